import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

// Every smsSignInState of spec §3, reached over HTTP and read back every way the API shows it;
// release of a held number; and policy changes. Races are in SmsSignInRaceTests.

struct SmsSignInTests {
    // MARK: - notSupported

    @Test func alternateMobileAndOfficeAreNotSupportedWhateverThePolicy() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        #expect(try f.addPhone(alice, .mobile, "+1 2065550100").status == 201)
        let alternate = try f.addPhone(alice, .alternateMobile, "+1 2065550100")
        #expect(alternate.status == 201)
        #expect(alternate.object["smsSignInState"] as? String == "notSupported")
        #expect(try f.addPhone(alice, .office, "+1 2065550101").status == 201)
        #expect(try f.state(alice, .alternateMobile) == "notSupported")
        #expect(try f.state(alice, .office) == "notSupported")
        #expect(try f.state(alice) == "ready")

        try f.setPolicy(enabled: false)
        #expect(try f.state(alice, .alternateMobile) == "notSupported")
        #expect(try f.state(alice, .office) == "notSupported")
    }

    // MARK: - notAllowedByPolicy

    @Test func aNewTenantsMobileIsNotAllowedByPolicy() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let created = try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(created.status == 201)
        #expect(created.object["smsSignInState"] as? String == "notAllowedByPolicy")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.holders(of: "+1 2065550100") == 0)
    }

    @Test func aUserTheEnabledPolicyDoesNotIncludeIsNotAllowed() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy(include: [SmsPolicy.Target(kind: .user, id: bob.id)])
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.state(bob) == "ready")
    }

    @Test func anIncludedUserExcludedByUserIsNotAllowed() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy(exclude: [SmsPolicy.Target(kind: .user, id: alice.id)])
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.state(bob) == "ready")
    }

    @Test func anIncludedUserExcludedByGroupIsNotAllowed() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        let contractors = try f.store.addGroup(displayName: "Contractors")
        try f.store.addGroupMember(group: contractors.id, user: alice.id)
        try f.setPolicy(exclude: [SmsPolicy.Target(kind: .group, id: contractors.id)])
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.state(bob) == "ready")
    }

    @Test func anIncludeNotUsableForSignInDoesNotAllow() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let pilots = try f.store.addGroup(displayName: "Pilots")
        try f.store.addGroupMember(group: pilots.id, user: alice.id)
        let unusable = [
            SmsPolicy.Target(kind: .group, id: "all_users", isUsableForSignIn: false),
            SmsPolicy.Target(kind: .group, id: pilots.id, isUsableForSignIn: false),
            SmsPolicy.Target(kind: .user, id: alice.id, isUsableForSignIn: false),
        ]
        try f.setPolicy(include: unusable)
        let created = try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(created.status == 201)
        #expect(created.object["smsSignInState"] as? String == "notAllowedByPolicy")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.action("enableSmsSignIn", alice).status == 400)
    }

    // MARK: - ready

    @Test(arguments: SmsFixture.versions)
    func aMobileCreatedWhileAllowedIsRegistered(version: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        let created = try f.addPhone(alice, .mobile, "+44 07777777777", version: version)
        #expect(created.status == 201)
        #expect(created.object["smsSignInState"] as? String == "ready")
        #expect(try f.state(alice) == "ready")
        #expect(try f.holders(of: "+44 07777777777") == 1)
    }

    @Test func enableMakesANotConfiguredMobileReady() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        #expect(try f.state(alice) == "notConfigured")
        let enabled = try f.action("enableSmsSignIn", alice)
        #expect(enabled.status == 204)
        #expect(try f.state(alice) == "ready")
        // Enabling again changes nothing.
        #expect(try f.action("enableSmsSignIn", alice).status == 204)
        #expect(try f.state(alice) == "ready")
    }

    // MARK: - phoneNumberNotUnique

    @Test(arguments: SmsFixture.versions)
    func aSecondUserCreatingAHeldNumberGets409AndTheSavedPhone(version: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        let collision = try f.addPhone(bob, .mobile, "+1 2065550100", version: version)
        #expect(collision.status == 409)
        #expect(collision.errorCode == "phoneNumberNotUnique")
        #expect(collision.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(try f.number(bob) == "+1 2065550100")
        #expect(try f.state(bob) == "phoneNumberNotUnique")
        #expect(try f.state(alice) == "ready")
        #expect(try f.holders(of: "+1 2065550100") == 1)
    }

    @Test(arguments: SmsFixture.versions)
    func renumberingOntoAHeldNumberGets409AndTheNewNumber(version: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        #expect(try f.state(bob) == "ready")
        let collision = try f.renumber(bob, .mobile, "+1 2065550100", version: version)
        #expect(collision.status == 409)
        #expect(collision.errorCode == "phoneNumberNotUnique")
        #expect(try f.number(bob) == "+1 2065550100")
        #expect(try f.state(bob) == "phoneNumberNotUnique")
        // Bob's old number was released with the renumbering.
        #expect(try f.holders(of: "+1 2065550199") == 0)
        #expect(try f.holders(of: "+1 2065550100") == 1)
    }

    @Test func putOnBetaRenumbersOntoAHeldNumberWith409Too() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        let put = try f.server.send(
            "PUT", SmsFixture.path(bob, version: "beta", type: .mobile), token: f.adminToken,
            json: #"{"phoneNumber":"+1 2065550100","phoneType":"mobile"}"#)
        #expect(put.status == 409)
        #expect(put.errorCode == "phoneNumberNotUnique")
        #expect(try f.state(bob) == "phoneNumberNotUnique")
    }

    @Test func aRefusedRenumberingKeepsTheRegistration() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.renumber(alice, .mobile, "+12065550111").status == 400)
        #expect(try f.state(alice) == "ready")
        #expect(try f.holders(of: "+1 2065550100") == 1)
    }

    @Test func aCollidingNumberOutsideThePolicyIsNotAConflict() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy(exclude: [SmsPolicy.Target(kind: .user, id: bob.id)])
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.addPhone(bob, .mobile, "+1 2065550100").status == 201)
        #expect(try f.state(bob) == "notAllowedByPolicy")
        // Plain MFA numbers need not be unique, on other types either.
        #expect(try f.addPhone(bob, .alternateMobile, "+1 2065550100").status == 201)
    }

    // MARK: - notEnabled

    @Test func disableTurnsAReadyMobileNotEnabled() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        let disabled = try f.action("disableSmsSignIn", alice)
        #expect(disabled.status == 204)
        #expect(try f.state(alice) == "notEnabled")
        #expect(try f.holders(of: "+1 2065550100") == 0)
        // An unchanged number keeps the mark; a new one is registered afresh.
        #expect(try f.renumber(alice, .mobile, "+1 2065550100").status == 204)
        #expect(try f.state(alice) == "notEnabled")
        #expect(try f.renumber(alice, .mobile, "+1 2065550111").status == 204)
        #expect(try f.state(alice) == "ready")
    }

    // MARK: - notConfigured

    @Test func aPolicyChangeShowsOnTheNextReadWithoutAWrite() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(
            try f.patchPolicy(#""state":"enabled","includeTargets":[{"targetType":"group","id":"all_users"}]"#).status
                == 204)
        #expect(try f.state(alice) == "notConfigured")
        #expect(try f.holders(of: "+1 2065550100") == 0)
        #expect(try f.patchPolicy(#""state":"disabled""#).status == 204)
        #expect(try f.state(alice) == "notAllowedByPolicy")
    }

    // MARK: - release

    @Test func deletingTheHoldersMobileReleasesTheNumber() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.addPhone(bob, .mobile, "+1 2065550100").status == 409)
        #expect(try f.action("enableSmsSignIn", bob).status == 409)
        #expect(try f.deletePhone(alice, .mobile).status == 204)
        #expect(try f.holders(of: "+1 2065550100") == 0)
        #expect(try f.state(bob) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", bob).status == 204)
        #expect(try f.state(bob) == "ready")
        // Alice comes back with the number: now she collides.
        let back = try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(back.status == 409)
        #expect(back.errorCode == "phoneNumberNotUnique")
    }

    @Test func renumberingTheHoldersMobileReleasesTheNumber() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.addPhone(bob, .mobile, "+1 2065550100").status == 409)
        #expect(try f.renumber(alice, .mobile, "+1 2065550122").status == 204)
        #expect(try f.state(alice) == "ready")
        #expect(try f.state(bob) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", bob).status == 204)
        #expect(try f.state(bob) == "ready")
        #expect(try f.holders(of: "+1 2065550100") == 1)
        #expect(try f.holders(of: "+1 2065550122") == 1)
    }

    @Test func disablingTheHoldersMobileReleasesTheNumber() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.addPhone(bob, .mobile, "+1 2065550100").status == 409)
        #expect(try f.action("disableSmsSignIn", alice).status == 204)
        #expect(try f.state(alice) == "notEnabled")
        #expect(try f.state(bob) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", bob).status == 204)
        #expect(try f.state(bob) == "ready")
        let again = try f.action("enableSmsSignIn", alice)
        #expect(again.status == 409)
        #expect(again.errorCode == "phoneNumberNotUnique")
        #expect(try f.state(alice) == "notEnabled")
    }

    @Test func removingTheHolderReleasesTheNumber() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.addPhone(bob, .mobile, "+1 2065550100").status == 409)
        try f.store.removeUser(key: alice.id)
        #expect(try f.state(bob) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", bob).status == 204)
    }

    // MARK: - policy changes

    @Test func includingAndDroppingAUserShowsOnTheNextRead() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        let onlyAlice = #""includeTargets":[{"targetType":"user","id":"\#(alice.id)","isUsableForSignIn":true}]"#
        #expect(try f.patchPolicy(onlyAlice).status == 204)
        #expect(try f.state(alice) == "ready")
        #expect(try f.state(bob) == "notAllowedByPolicy")
        // Registrations are kept while outside the policy: Bob is ready again when all users are back.
        #expect(try f.patchPolicy(#""includeTargets":[{"targetType":"group","id":"all_users"}]"#).status == 204)
        #expect(try f.state(bob) == "ready")
    }

    @Test func groupMembershipChangesShowOnTheNextRead() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let pilots = try f.store.addGroup(displayName: "Pilots")
        let include = #""state":"enabled","includeTargets":[{"targetType":"group","id":"\#(pilots.id)"}]"#
        #expect(try f.patchPolicy(include).status == 204)
        try f.addPhone(alice, .mobile, "+1 2065550100")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.action("enableSmsSignIn", alice).errorMessage == SmsFixture.notAllowedMessage)
        try f.store.addGroupMember(group: "pilots", user: "alice@contoso.com")
        #expect(try f.state(alice) == "notConfigured")
        #expect(try f.action("enableSmsSignIn", alice).status == 204)
        #expect(try f.state(alice) == "ready")
        try f.store.removeGroupMember(group: pilots.id, user: alice.id)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        try f.store.addGroupMember(group: pilots.id, user: alice.id)
        #expect(try f.state(alice) == "ready")
        // Removing the group removes it from the policy.
        try f.store.removeGroup(key: "Pilots")
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.store.smsPolicy().includeTargets.isEmpty)
    }

    @Test func exclusionByGroupAndUserWinsOverAllUsers() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        let contractors = try f.store.addGroup(displayName: "Contractors")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550199")
        let excludeGroup = #""excludeTargets":[{"targetType":"group","id":"\#(contractors.id)"}]"#
        #expect(try f.patchPolicy(excludeGroup).status == 204)
        #expect(try f.state(alice) == "ready")
        try f.store.addGroupMember(group: contractors.id, user: alice.id)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.state(bob) == "ready")
        let excludeBob = #""excludeTargets":[{"targetType":"user","id":"\#(bob.id)"}]"#
        #expect(try f.patchPolicy(excludeBob).status == 204)
        #expect(try f.state(alice) == "ready")
        #expect(try f.state(bob) == "notAllowedByPolicy")
        #expect(try f.patchPolicy(#""excludeTargets":[{"targetType":"group","id":"all_users"}]"#).status == 204)
        #expect(try f.state(alice) == "notAllowedByPolicy")
        #expect(try f.state(bob) == "notAllowedByPolicy")
        #expect(try f.patchPolicy(#""excludeTargets":[]"#).status == 204)
        #expect(try f.state(bob) == "ready")
    }

    // MARK: - the operator's view

    @Test func theInspectionViewAgreesWithTheAPIForEveryState() throws {
        let f = try SmsFixture()
        let contractors = try f.store.addGroup(displayName: "Contractors")
        let ready = try f.user("ready")
        let late = try f.user("late")
        let turnedOff = try f.user("turned-off")
        let second = try f.user("second")
        let excluded = try f.user("excluded")
        try f.store.addGroupMember(group: contractors.id, user: excluded.id)
        try f.addPhone(late, .mobile, "+1 2065550102")
        try f.setPolicy(exclude: [SmsPolicy.Target(kind: .group, id: contractors.id)])
        try f.addPhone(ready, .mobile, "+1 2065550100")
        try f.addPhone(ready, .office, "+1 2065550100")
        try f.addPhone(turnedOff, .mobile, "+1 2065550103")
        try f.action("disableSmsSignIn", turnedOff)
        try f.addPhone(second, .mobile, "+1 2065550100")
        try f.addPhone(excluded, .mobile, "+1 2065550104")

        let expected: [(User, PhoneType, String)] = [
            (ready, .mobile, "ready"), (ready, .office, "notSupported"), (late, .mobile, "notConfigured"),
            (turnedOff, .mobile, "notEnabled"), (second, .mobile, "phoneNumberNotUnique"),
            (excluded, .mobile, "notAllowedByPolicy"),
        ]
        for (user, type, state) in expected {
            #expect(try f.state(user, type) == state, "\(user.userPrincipalName) \(type)")
            let viewed = try f.store.read { db in
                try db.scalarText(
                    "SELECT sms_sign_in_state FROM phone_method_state WHERE user_principal_name = ? AND phone_type = ?",
                    [.text(user.userPrincipalName), .text(type.rawValue)])
            }
            #expect(viewed == state, "\(user.userPrincipalName) \(type)")
        }
    }
}
