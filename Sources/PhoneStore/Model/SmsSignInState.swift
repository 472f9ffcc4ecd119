/// Whether a phone can be used for SMS sign-in, as Graph reports it in `smsSignInState`. The
/// state is derived in one place, the `phone_method_state` view (Migrations/0002_sms_sign_in.sql),
/// from the phone's registration and the SMS policy at read time.
public enum SmsSignInState: String, CaseIterable, Sendable {
    case notSupported
    case notAllowedByPolicy
    case notEnabled
    case phoneNumberNotUnique
    case ready
    case notConfigured
}
