/// A phone authentication method as stored, with its SMS sign-in state derived at read time.
public struct PhoneMethod: Sendable, Equatable {
    public let userID: String
    public let type: PhoneType
    public let number: String
    /// ISO 8601 UTC, when the method was added.
    public let createdAt: String
    public let smsSignInState: SmsSignInState

    public init(userID: String, type: PhoneType, number: String, createdAt: String, smsSignInState: SmsSignInState) {
        self.userID = userID
        self.type = type
        self.number = number
        self.createdAt = createdAt
        self.smsSignInState = smsSignInState
    }

    public var id: String { type.methodID }
}
