/// A phone as the `phone_method_state` view shows it: its SMS sign-in state and, in words, why.
public struct PhoneState: Sendable, Equatable {
    public var userID: String
    public var userPrincipalName: String
    public var type: String
    public var number: String
    public var createdAt: String
    public var smsSignInState: String
    public var reason: String
}
