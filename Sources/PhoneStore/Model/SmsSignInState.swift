/// Whether a phone can be used for SMS sign-in, as Graph reports it in `smsSignInState`.
public enum SmsSignInState: String, CaseIterable, Sendable {
    case notSupported
    case notAllowedByPolicy
    case notEnabled
    case phoneNumberNotUnique
    case ready
    case notConfigured

    /// The one place the state is derived. Only a mobile supports SMS sign-in; whether the user is
    /// allowed comes from the SMS policy at read time, so a policy change shows on the next read.
    public static func derive(type: PhoneType, allowedByPolicy: Bool) -> SmsSignInState {
        guard type == .mobile else { return .notSupported }
        guard allowedByPolicy else { return .notAllowedByPolicy }
        return .notConfigured
    }
}
