/// Whose phone methods a request addresses.
enum UserReference: Sendable, Equatable {
    /// `/me`: the signed-in user of a delegated token.
    case me
    /// `/users/{key}`: an object id or user principal name, percent-decoded.
    case user(String)
}

/// `phoneMethods` (the phone methods) or `methods` (all authentication methods; here, the phones).
enum MethodCollection: String, Sendable {
    case phoneMethods
    case methods
}

/// The bound actions on a phone method.
enum PhoneAction: String, Sendable, CaseIterable {
    case enableSmsSignIn
    case disableSmsSignIn
}

/// A request for a user's authentication methods, as the router parsed it.
struct PhoneRoute: Sendable, Equatable {
    var version: APIVersion
    var user: UserReference
    var collection: MethodCollection
    /// The method id as sent (not yet matched to a type), when the path names one.
    var methodID: String?
    var action: PhoneAction?
}

/// What a request path addresses.
enum Route: Sendable, Equatable {
    case phone(PhoneRoute)
    /// `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms`.
    case smsPolicy(APIVersion)
    /// `/$batch`: Graph's JSON batching.
    case batch(APIVersion)

    var isBatch: Bool {
        if case .batch = self { return true }
        return false
    }
}
