import Foundation
import TestSupport
import Testing

@testable import PhoneStore

/// A fresh store in its own temporary directory, and a second plain connection to the same file
/// with foreign keys on, as an operator's `sqlite3` shell would open it.
private final class SmsTestDatabase {
    let directory: URL
    let store: PhoneStore
    /// The operator's connection: rules must hold here too, not only in the store's Swift code.
    let raw: Database
    var path: String { store.path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "phone-service-sms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PhoneStore(path: directory.appending(path: "state.db").path, durability: .normal)
        raw = try Database(path: store.path, create: false)
        try raw.execute("PRAGMA foreign_keys = ON")
        try raw.execute("PRAGMA busy_timeout = 5000")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func user(_ name: String) throws -> User { try store.addUser(userPrincipalName: "\(name)@contoso.com") }

    @discardableResult
    func phone(_ user: User, _ type: PhoneType, _ number: String) throws -> PhoneMethod {
        try store.createPhoneMethod(userID: user.id, type: type, number: number)
    }

    @discardableResult
    func mobile(_ user: User, _ number: String) throws -> PhoneMethod { try phone(user, .mobile, number) }

    func allowAllUsers(exclude: [SmsPolicy.Target] = []) throws {
        try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers], excludeTargets: exclude))
    }

    /// Runs `sql` on the operator's connection; the rule it broke, or nil when it succeeded.
    func rawRule(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Rule? {
        do {
            try raw.execute(sql)
            return nil
        } catch {
            guard case .rule(let rule) = StoreError(error) else {
                Issue.record("not a rule: \(error)", sourceLocation: sourceLocation)
                return nil
            }
            return rule
        }
    }

    /// `sms_sign_in_state` and `reason` of the `phone_method_state` view, read on the operator's
    /// connection.
    func viewed(_ user: User, _ type: PhoneType = .mobile) throws -> (state: String?, reason: String?) {
        var result: (String?, String?) = (nil, nil)
        try raw.query(
            "SELECT sms_sign_in_state, reason FROM phone_method_state WHERE user_id = ? AND phone_type = ?",
            [.text(user.id), .text(type.rawValue)]
        ) { row in result = (row.text(0), row.text(1)) }
        return result
    }

    /// The state the store (and so the API) returns.
    func state(_ user: User, _ type: PhoneType = .mobile) throws -> SmsSignInState? {
        try store.phoneMethod(userID: user.id, type: type)?.smsSignInState
    }

    func registrations(_ user: User) throws -> Int64 {
        try raw.scalarInt("SELECT count(*) FROM sms_sign_in WHERE user_id = ?", [.text(user.id)]) ?? -1
    }

    func targets() throws -> Int64 { try raw.scalarInt("SELECT count(*) FROM sms_policy_target") ?? -1 }
}

/// Expects `body` to throw the store error matched by `matches`.
private func expectSmsStoreError(
    _ description: String, sourceLocation: SourceLocation = #_sourceLocation, _ matches: (StoreError) -> Bool,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(description), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(matches(error), "expected \(description), got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(description), got \(error)", sourceLocation: sourceLocation)
    }
}

private func smsRegistrationSQL(_ user: User, _ number: String, _ status: String, type: String = "mobile") -> String {
    "INSERT INTO sms_sign_in (user_id, phone_type, phone_number, status, updated_at) "
        + "VALUES ('\(user.id)', '\(type)', '\(number)', '\(status)', '2026-01-01T00:00:00Z')"
}

struct SmsSignInStoreTests {
    // MARK: - the registration table's rules, in raw SQL

    @Test func twoRegisteredRowsCannotShareANumber() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        try db.mobile(alice, "+1 2065550100")
        try db.mobile(bob, "+1 2065550100")
        #expect(db.rawRule(smsRegistrationSQL(alice, "+1 2065550100", "registered")) == nil)
        #expect(db.rawRule(smsRegistrationSQL(bob, "+1 2065550100", "registered")) == .smsSignInNumberUnique)
        // The allowed neighbour: a disabled mark on the same number holds nothing.
        #expect(db.rawRule(smsRegistrationSQL(bob, "+1 2065550100", "disabled")) == nil)
        #expect(
            db.rawRule("UPDATE sms_sign_in SET status = 'registered' WHERE user_id = '\(bob.id)'")
                == .smsSignInNumberUnique)
        #expect(try db.state(alice) == .notAllowedByPolicy)
        try db.allowAllUsers()
        #expect(try db.state(alice) == .ready)
        #expect(try db.state(bob) == .notEnabled)
    }

    @Test func aRegistrationCarriesItsMobilesNumber() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        try db.mobile(alice, "+1 2065550100")
        try db.phone(alice, .office, "+1 2065550199")
        #expect(db.rawRule(smsRegistrationSQL(alice, "+1 2065550199", "registered")) == .smsSignInNumberMatchesMobile)
        #expect(db.rawRule(smsRegistrationSQL(bob, "+1 2065550100", "registered")) == .smsSignInNumberMatchesMobile)
        #expect(db.rawRule(smsRegistrationSQL(alice, "+1 2065550100", "registered")) == nil)
        // An upsert that would move the registration to another number runs the same check.
        let upsert =
            smsRegistrationSQL(alice, "+1 2065550199", "registered")
            + " ON CONFLICT (user_id) DO UPDATE SET phone_number = excluded.phone_number"
        #expect(db.rawRule(upsert) == .smsSignInNumberMatchesMobile)
        #expect(try db.raw.scalarText("SELECT phone_number FROM sms_sign_in") == "+1 2065550100")
    }

    @Test func onlyTheMobileRegisters() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        try db.mobile(alice, "+1 2065550100")
        for type in ["office", "alternateMobile"] {
            try db.phone(alice, PhoneType(rawValue: type) ?? .office, "+1 2065550100")
            #expect(
                db.rawRule(smsRegistrationSQL(alice, "+1 2065550100", "registered", type: type)) == .smsSignInMobileOnly
            )
        }
        #expect(try db.registrations(alice) == 0)
        expectSmsStoreError("smsSignInNeedsMobile") {
            if case .smsSignInNeedsMobile(.office) = $0 { true } else { false }
        } _: {
            try db.store.enableSmsSignIn(userID: alice.id, type: .office)
        }
    }

    @Test func deletingTheMobileDeletesItsRegistration() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        try db.allowAllUsers()
        try db.mobile(alice, "+1 2065550100")
        try db.mobile(bob, "+1 2065550199")
        #expect(try db.registrations(alice) == 1)
        #expect(db.rawRule("DELETE FROM phone_method WHERE user_id = '\(alice.id)' AND phone_type = 'mobile'") == nil)
        #expect(try db.registrations(alice) == 0)
        try db.store.deletePhoneMethod(userID: bob.id, type: .mobile)
        #expect(try db.registrations(bob) == 0)
        #expect(try db.raw.scalarInt("SELECT count(*) FROM sms_sign_in") == 0)
    }

    @Test func renumberingTheMobileReleasesItsRegistration() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        try db.mobile(alice, "+1 2065550100")
        #expect(db.rawRule(smsRegistrationSQL(alice, "+1 2065550100", "registered")) == nil)
        // Touching the row without a new number keeps it.
        #expect(db.rawRule("UPDATE phone_method SET updated_at = 'later' WHERE user_id = '\(alice.id)'") == nil)
        #expect(
            db.rawRule("UPDATE phone_method SET phone_number = '+1 2065550100' WHERE user_id = '\(alice.id)'") == nil)
        #expect(try db.registrations(alice) == 1)
        #expect(
            db.rawRule("UPDATE phone_method SET phone_number = '+1 2065550111' WHERE user_id = '\(alice.id)'") == nil)
        #expect(try db.registrations(alice) == 0)
        // A disabled mark goes with the old number too.
        try db.mobile(bob, "+1 2065550122")
        try db.store.disableSmsSignIn(userID: bob.id, type: .mobile)
        try db.store.updatePhoneMethod(userID: bob.id, type: .mobile, number: "+1 2065550133")
        #expect(try db.registrations(bob) == 0)
        // Renumbering an office phone touches no registration.
        try db.allowAllUsers()
        try db.store.enableSmsSignIn(userID: alice.id, type: .mobile)
        try db.phone(alice, .office, "+1 2065550144")
        try db.store.updatePhoneMethod(userID: alice.id, type: .office, number: "+1 2065550155")
        #expect(try db.state(alice) == .ready)
    }

    @Test func aPolicyTargetMustNameAUserOrGroupThatExists() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let pilots = try db.store.addGroup(displayName: "Pilots")
        let unknown = "11111111-2222-3333-4444-555555555555"
        let insert = { (kind: String, type: String, id: String) in
            "INSERT INTO sms_policy_target (kind, target_type, target_id) VALUES ('\(kind)', '\(type)', '\(id)')"
        }
        #expect(db.rawRule(insert("include", "user", unknown)) == .smsPolicyTargetExists)
        #expect(db.rawRule(insert("exclude", "group", unknown)) == .smsPolicyTargetExists)
        #expect(db.rawRule(insert("include", "group", alice.id)) == .smsPolicyTargetExists)
        #expect(db.rawRule(insert("include", "user", "all_users")) == .smsPolicyTargetAllUsersIsGroup)
        #expect(db.rawRule(insert("include", "user", alice.id)) == nil)
        #expect(db.rawRule(insert("exclude", "group", pilots.id)) == nil)
        #expect(db.rawRule(insert("include", "group", "all_users")) == nil)
        #expect(
            db.rawRule("UPDATE sms_policy_target SET target_type = 'user' WHERE target_id = 'all_users'")
                == .smsPolicyTargetAllUsersIsGroup)

        // Through the store: refused, and the policy as it was.
        let before = try db.store.smsPolicy()
        expectSmsStoreError("smsPolicyTargetExists") {
            if case .rule(.smsPolicyTargetExists) = $0 { true } else { false }
        } _: {
            try db.store.setSmsPolicy(
                SmsPolicy(enabled: true, includeTargets: [.allUsers, SmsPolicy.Target(kind: .user, id: unknown)]))
        }
        #expect(try db.store.smsPolicy() == before)
    }

    @Test func removingAUserOrGroupRemovesItsTargets() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        let pilots = try db.store.addGroup(displayName: "Pilots")
        let contractors = try db.store.addGroup(displayName: "Contractors")
        try db.store.addGroupMember(group: pilots.id, user: alice.id)
        try db.store.setSmsPolicy(
            SmsPolicy(
                enabled: true,
                includeTargets: [
                    SmsPolicy.Target(kind: .user, id: alice.id), SmsPolicy.Target(kind: .group, id: pilots.id),
                ],
                excludeTargets: [
                    SmsPolicy.Target(kind: .user, id: bob.id), SmsPolicy.Target(kind: .group, id: contractors.id),
                ]))
        #expect(try db.targets() == 4)
        try db.store.removeUser(key: "alice@contoso.com")
        #expect(try db.targets() == 3)
        #expect(try db.raw.scalarInt("SELECT count(*) FROM group_member") == 0)
        try db.store.removeGroup(key: "pilots")
        #expect(try db.targets() == 2)
        // The same in raw SQL.
        #expect(db.rawRule("DELETE FROM user WHERE id = '\(bob.id)'") == nil)
        #expect(db.rawRule("DELETE FROM directory_group WHERE id = '\(contractors.id)'") == nil)
        #expect(try db.targets() == 0)
        #expect(try db.store.smsPolicy() == SmsPolicy(enabled: true))
    }

    @Test func groupsAreFoundByIdBeforeName() throws {
        let db = try SmsTestDatabase()
        let pilots = try db.store.addGroup(displayName: "Pilots")
        // A group whose name is another group's id: the id still names the first group.
        let confusing = try db.store.addGroup(displayName: pilots.id)
        #expect(try db.store.group(key: pilots.id)?.id == pilots.id)
        #expect(try db.store.group(key: pilots.id.uppercased())?.id == pilots.id)
        #expect(try db.store.group(key: confusing.id)?.id == confusing.id)
        try db.store.removeGroup(key: pilots.id)
        #expect(try db.store.groups().map(\.id) == [confusing.id])
    }

    // MARK: - the store's enable and disable

    @Test func enableRefusesWhatTheSpecRefuses() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        expectSmsStoreError("userNotFound") {
            if case .userNotFound = $0 { true } else { false }
        } _: {
            try db.store.enableSmsSignIn(userID: "11111111-2222-3333-4444-555555555555", type: .mobile)
        }
        expectSmsStoreError("phoneMethodNotFound") {
            if case .phoneMethodNotFound(.mobile) = $0 { true } else { false }
        } _: {
            try db.store.enableSmsSignIn(userID: alice.id, type: .mobile)
        }
        try db.mobile(alice, "+1 2065550100")
        try db.mobile(bob, "+1 2065550100")
        expectSmsStoreError("smsSignInNotAllowedByPolicy") {
            if case .smsSignInNotAllowedByPolicy = $0 { true } else { false }
        } _: {
            try db.store.enableSmsSignIn(userID: alice.id, type: .mobile)
        }
        try db.allowAllUsers()
        #expect(try db.store.enableSmsSignIn(userID: alice.id, type: .mobile).smsSignInState == .ready)
        expectSmsStoreError("smsSignInNumberUnique") {
            if case .rule(.smsSignInNumberUnique) = $0 { true } else { false }
        } _: {
            try db.store.enableSmsSignIn(userID: bob.id, type: .mobile)
        }
        #expect(try db.registrations(bob) == 0)
        #expect(try db.state(bob) == .phoneNumberNotUnique)
    }

    @Test func concurrentEnablesLeaveOneHolder() throws {
        let db = try SmsTestDatabase()
        let users = try (0..<24).map { try db.user("racer\($0)") }
        for user in users { try db.mobile(user, "+1 2065550100") }
        try db.allowAllUsers()
        let store = db.store
        let ids = users.map(\.id)
        let winners = SmsWinnerCount()
        DispatchQueue.concurrentPerform(iterations: ids.count) { index in
            if (try? store.enableSmsSignIn(userID: ids[index], type: .mobile)) != nil { winners.increment() }
        }
        #expect(winners.value == 1)
        #expect(try db.raw.scalarInt("SELECT count(*) FROM sms_sign_in WHERE status = 'registered'") == 1)
        #expect(try users.filter { try db.state($0) == .ready }.count == 1)
    }

    // MARK: - a create's and an update's answer

    /// The policies the answers are checked under, each with a user who already holds the
    /// number `+1 2065550100` for SMS sign-in (registered while every user was allowed).
    enum PolicyCase: String, CaseIterable, Sendable {
        case off, everyone, excludedByGroup, notIncluded, numberHeldByAnother
    }

    /// `createPhoneMethod` and `updatePhoneMethod` answer the phone as `phone_method_state` reads
    /// it once the write is done, field for field, for every phone type under every kind of policy.
    @Test(arguments: PolicyCase.allCases)
    func aWritesAnswerIsTheViewsUnderEveryPolicy(policy: PolicyCase) throws {
        let db = try SmsTestDatabase()
        let holder = try db.user("holder")
        let subject = try db.user("subject")
        try db.allowAllUsers()
        try db.mobile(holder, "+1 2065550100")
        #expect(try db.state(holder) == .ready)
        let contractors = try db.store.addGroup(displayName: "Contractors")
        try db.store.addGroupMember(group: contractors.id, user: subject.id)
        switch policy {
        case .off: try db.store.setSmsPolicy(SmsPolicy(enabled: false, includeTargets: [.allUsers]))
        case .everyone, .numberHeldByAnother: break
        case .excludedByGroup: try db.allowAllUsers(exclude: [SmsPolicy.Target(kind: .group, id: contractors.id)])
        case .notIncluded:
            try db.store.setSmsPolicy(
                SmsPolicy(enabled: true, includeTargets: [SmsPolicy.Target(kind: .user, id: holder.id)]))
        }
        let held = policy == .numberHeldByAnother
        var states: [SmsSignInState] = []
        for type in [PhoneType.mobile, .alternateMobile, .office] {
            let created = try db.phone(subject, type, held ? "+1 2065550100" : "+1 2065550111")
            #expect(created == (try db.store.phoneMethod(userID: subject.id, type: type)), "create, \(policy) \(type)")
            let updated = try db.store.updatePhoneMethod(
                userID: subject.id, type: type, number: held ? "+1 2065550100" : "+1 2065550122")
            #expect(updated == (try db.store.phoneMethod(userID: subject.id, type: type)), "update, \(policy) \(type)")
            #expect(updated.createdAt == created.createdAt)
            states += [created.smsSignInState, updated.smsSignInState]
        }
        let expected: SmsSignInState =
            switch policy {
            case .off, .excludedByGroup, .notIncluded: .notAllowedByPolicy
            case .everyone: .ready
            case .numberHeldByAnother: .phoneNumberNotUnique
            }
        #expect(states == [expected, expected] + Array(repeating: .notSupported, count: 4))
    }

    // MARK: - the inspection view

    @Test func theViewGivesEveryStateWithItsReason() throws {
        let db = try SmsTestDatabase()
        let contractors = try db.store.addGroup(displayName: "Contractors")
        let ready = try db.user("ready")
        let late = try db.user("late")
        let turnedOff = try db.user("turned-off")
        let second = try db.user("second")
        let excluded = try db.user("excluded")
        let unusable = try db.user("unusable")
        try db.store.addGroupMember(group: contractors.id, user: excluded.id)
        try db.mobile(late, "+1 2065550102")
        #expect(try db.viewed(late).state == "notAllowedByPolicy")
        #expect(try db.viewed(late).reason == "the SMS policy is disabled")
        try db.allowAllUsers(exclude: [SmsPolicy.Target(kind: .group, id: contractors.id)])
        try db.mobile(ready, "+1 2065550100")
        try db.phone(ready, .alternateMobile, "+1 2065550100")
        try db.mobile(turnedOff, "+1 2065550103")
        try db.store.disableSmsSignIn(userID: turnedOff.id, type: .mobile)
        try db.mobile(second, "+1 2065550100")
        try db.mobile(excluded, "+1 2065550104")
        try db.mobile(unusable, "+1 2065550105")

        let cases: [(User, PhoneType, SmsSignInState, String)] = [
            (ready, .mobile, .ready, "registered for SMS sign-in"),
            (ready, .alternateMobile, .notSupported, "only a mobile can be used for SMS sign-in"),
            (late, .mobile, .notConfigured, "not registered: added while the user was outside the policy"),
            (turnedOff, .mobile, .notEnabled, "SMS sign-in was turned off"),
            (
                second, .mobile, .phoneNumberNotUnique,
                "another user holds this number for SMS sign-in: ready@contoso.com"
            ),
            (excluded, .mobile, .notAllowedByPolicy, "the SMS policy does not include this user, or excludes them"),
        ]
        for (user, type, state, reason) in cases {
            let viewed = try db.viewed(user, type)
            #expect(viewed.state == state.rawValue, "\(user.userPrincipalName) \(type)")
            #expect(try db.state(user, type) == state, "\(user.userPrincipalName) \(type)")
            #expect(viewed.reason?.hasPrefix(reason) == true, "\(viewed.reason ?? "nil")")
        }
        // Every state the API can show is reachable, and the view shows nothing else.
        let shown = try Set(cases.map { try db.viewed($0.0, $0.1).state ?? "" })
        #expect(shown == Set(SmsSignInState.allCases.map(\.rawValue)))
        // isUsableForSignIn false on the only include: not allowed.
        try db.store.setSmsPolicy(
            SmsPolicy(
                enabled: true,
                includeTargets: [SmsPolicy.Target(kind: .group, id: "all_users", isUsableForSignIn: false)]))
        #expect(try db.viewed(unusable).state == "notAllowedByPolicy")
        #expect(try db.viewed(ready).state == "notAllowedByPolicy")
    }

    @Test func anOperatorReadsTheViewWithTheSqlite3Shell() throws {
        let db = try SmsTestDatabase()
        let alice = try db.user("alice")
        let bob = try db.user("bob")
        try db.allowAllUsers()
        try db.mobile(alice, "+1 2065550100")
        try db.mobile(bob, "+1 2065550100")
        try db.phone(bob, .office, "+1 2065550101")

        let (status, out, err) = try ChildProcess.run(
            "/usr/bin/sqlite3",
            [
                "-readonly", "-init", "/dev/null", "-separator", "|", db.path,
                "SELECT user_principal_name, phone_type, phone_number, sms_sign_in_state, reason FROM phone_method_state "
                    + "ORDER BY user_principal_name, phone_type",
            ])
        #expect(status == 0, "\(err)")
        #expect(
            out.split(separator: "\n").map(String.init) == [
                "alice@contoso.com|mobile|+1 2065550100|ready|registered for SMS sign-in",
                "bob@contoso.com|mobile|+1 2065550100|phoneNumberNotUnique|"
                    + "another user holds this number for SMS sign-in: alice@contoso.com",
                "bob@contoso.com|office|+1 2065550101|notSupported|only a mobile can be used for SMS sign-in",
            ])
        // The store's state agrees with the shell's.
        #expect(try db.state(bob) == .phoneNumberNotUnique)
    }
}

/// Counts successes from concurrent threads.
private final class SmsWinnerCount: @unchecked Sendable {
    // @unchecked: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Raw SQL cannot get round the SMS rules by UPDATE, or by deleting a mobile with foreign keys
/// off (the sqlite3 shell's default).
struct SmsRawSQLLoopholeTests {
    @Test func updatingARegistrationToAnotherNumberIsRefused() throws {
        try withStore { store, path in
            try store.addAlice()
            try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")
            let db = try operatorConnection(path)
            expectRawRule(.smsSignInNumberMatchesMobile, on: db, "UPDATE sms_sign_in SET phone_number = '+1 999'")
            expectRawRule(
                .smsPolicyTargetExists, on: db,
                "UPDATE sms_policy_target SET target_id = '\(Fixture.unknownID)' WHERE target_id = 'all_users'")
        }
    }

    @Test func deletingTheMobileWithForeignKeysOffReleasesItsRegistration() throws {
        try withStore { store, path in
            try store.addAlice()
            try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
            _ = try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 2065555555")
            let db = try Database(path: path, create: false)
            try db.execute("PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000")
            try db.execute(RawSQL.deletePhone(Fixture.aliceID, "mobile"))
            #expect(try db.scalarInt("SELECT count(*) FROM sms_sign_in") == 0)
        }
    }
}
