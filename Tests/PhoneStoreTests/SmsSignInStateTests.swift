import Testing

@testable import PhoneStore

struct SmsSignInStateTests {
    /// The API's enum members, exactly as Graph spells them.
    @Test func statesAreGraphsEnumMembers() {
        #expect(
            SmsSignInState.allCases.map(\.rawValue) == [
                "notSupported", "notAllowedByPolicy", "notEnabled", "phoneNumberNotUnique", "ready", "notConfigured",
            ])
    }

    /// The one derivation, the phone_method_state view, by type and policy.
    @Test func mobileFollowsThePolicyAndOthersAreNotSupported() throws {
        try withStore { store, _ in
            try store.addAlice()
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2")
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .office, number: "+1 3")
            var states = try store.phoneMethods(userID: Fixture.aliceID).map(\.smsSignInState)
            #expect(states == [.notAllowedByPolicy, .notSupported])
            try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
            states = try store.phoneMethods(userID: Fixture.aliceID).map(\.smsSignInState)
            #expect(states == [.notConfigured, .notSupported])
        }
    }
}
