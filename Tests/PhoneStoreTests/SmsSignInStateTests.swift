import PhoneStore
import Testing

struct SmsSignInStateTests {
    @Test func onlyAMobileSupportsSMSSignIn() {
        for allowed in [false, true] {
            #expect(SmsSignInState.derive(type: .alternateMobile, allowedByPolicy: allowed) == .notSupported)
            #expect(SmsSignInState.derive(type: .office, allowedByPolicy: allowed) == .notSupported)
        }
    }

    @Test func mobileFollowsThePolicy() {
        #expect(SmsSignInState.derive(type: .mobile, allowedByPolicy: false) == .notAllowedByPolicy)
        #expect(SmsSignInState.derive(type: .mobile, allowedByPolicy: true) == .notConfigured)
    }
}
