import Foundation
import Testing

@testable import PhoneStore

/// Every rule fires at the store API and in raw SQL on a second connection, and its allowed
/// neighbour passes. The switches below are exhaustive, so a new `Rule` cannot land without a case.
struct RuleTests {
    /// A rule broken through raw SQL: `setup` runs first, each of `violations` must fire the rule,
    /// then `neighbour` (close to a violation, but allowed) must succeed.
    struct RawCase {
        var setup: [String]
        var violations: [String]
        var neighbour: String
    }

    static func rawCase(_ rule: Rule) -> RawCase {
        let alice = Fixture.aliceID
        let bob = Fixture.bobID
        let aliceRow = RawSQL.insertUser(alice, "alice@contoso.com")
        switch rule {
        case .phoneMethodOnePerType:
            return RawCase(
                setup: [aliceRow, RawSQL.insertPhone(alice, "mobile", "+1 2065555555")],
                violations: [RawSQL.insertPhone(alice, "mobile", "+1 4255555555")],
                neighbour: RawSQL.insertPhone(alice, "office", "+1 2065555555"))
        case .alternateMobileRequiresMobile:
            return RawCase(
                setup: [aliceRow, RawSQL.insertPhone(alice, "office", "+1 2065555555")],
                violations: [RawSQL.insertPhone(alice, "alternateMobile", "+1 4255555555")],
                neighbour: RawSQL.insertPhone(alice, "mobile", "+1 2065555555")
                    + RawSQL.insertPhone(alice, "alternateMobile", "+1 4255555555"))
        case .mobileRequiredByAlternateMobile:
            return RawCase(
                setup: [
                    aliceRow, RawSQL.insertPhone(alice, "mobile", "+1 2065555555"),
                    RawSQL.insertPhone(alice, "alternateMobile", "+1 4255555555"),
                ],
                violations: [RawSQL.deletePhone(alice, "mobile")],
                neighbour: RawSQL.deletePhone(alice, "alternateMobile") + RawSQL.deletePhone(alice, "mobile"))
        case .phoneTypeImmutable:
            return RawCase(
                setup: [
                    aliceRow, RawSQL.insertUser(bob, "bob@contoso.com"),
                    RawSQL.insertPhone(alice, "mobile", "+1 2065555555"),
                ],
                violations: [
                    "UPDATE phone_method SET phone_type = 'office' WHERE user_id = '\(alice)'",
                    "UPDATE phone_method SET user_id = '\(bob)' WHERE user_id = '\(alice)'",
                ],
                neighbour:
                    "UPDATE phone_method SET phone_type = 'mobile', phone_number = '+44 7777777777' WHERE user_id = '\(alice)'"
            )
        case .phoneNumberFormat:
            return RawCase(
                setup: [aliceRow, RawSQL.insertPhone(alice, "office", "+1 2065555555")],
                violations: [
                    RawSQL.insertPhone(alice, "mobile", "+12065555555"),
                    "UPDATE phone_method SET phone_number = '2065555555' WHERE user_id = '\(alice)'",
                ],
                neighbour: RawSQL.insertPhone(alice, "mobile", "+44 07777777777x123"))
        case .phoneTypeValid:
            return RawCase(
                setup: [aliceRow],
                violations: [
                    RawSQL.insertPhone(alice, "pager", "+1 2065555555"),
                    RawSQL.insertPhone(alice, "Mobile", "+1 2065555555"),
                ],
                neighbour: RawSQL.insertPhone(alice, "office", "+1 2065555555"))
        case .userPrincipalNameUnique:
            return RawCase(
                setup: [RawSQL.insertUser(alice, "A@x.com")],
                violations: [
                    RawSQL.insertUser(bob, "a@X.com"),
                    RawSQL.insertUser(bob, "A@x.com"),
                ],
                neighbour: RawSQL.insertUser(bob, "a2@x.com"))
        case .userPrincipalNameFormat:
            return RawCase(
                setup: [],
                violations: [
                    RawSQL.insertUser(bob, "bob"), RawSQL.insertUser(bob, "bob@"), RawSQL.insertUser(bob, "@x.com"),
                    RawSQL.insertUser(bob, "b ob@x.com"), RawSQL.insertUser(bob, "bob@x.com/y"),
                    RawSQL.insertUser(bob, ""),
                ],
                neighbour: RawSQL.insertUser(bob, "bob@x.com"))
        case .userIDUnique:
            return RawCase(
                setup: [aliceRow],
                violations: [RawSQL.insertUser(alice, "alice2@contoso.com")],
                neighbour: RawSQL.insertUser(bob, "alice2@contoso.com"))
        case .userIDIsGUID:
            return RawCase(
                setup: [],
                violations: [
                    RawSQL.insertUser(bob.uppercased(), "bob@x.com"),
                    RawSQL.insertUser("not-a-guid", "bob@x.com"),
                    RawSQL.insertUser(String(bob.dropLast()), "bob@x.com"),
                    RawSQL.insertUser("g0b00000-0000-4000-8000-000000000002", "bob@x.com"),
                    RawSQL.insertUser("b0b000000-000-4000-8000-000000000002", "bob@x.com"),
                    RawSQL.insertUser("b0b00000-0000-4000-8000-00000000000 ", "bob@x.com"),
                ],
                neighbour: RawSQL.insertUser(bob, "bob@x.com"))
        case .smsSignInNumberUnique:
            return RawCase(
                setup: [
                    aliceRow, RawSQL.insertUser(bob, "bob@contoso.com"),
                    RawSQL.insertPhone(alice, "mobile", "+1 2065555555"),
                    RawSQL.insertPhone(bob, "mobile", "+1 2065555555"),
                    RawSQL.insertRegistration(alice, "+1 2065555555", "registered"),
                ],
                violations: [RawSQL.insertRegistration(bob, "+1 2065555555", "registered")],
                neighbour: RawSQL.insertRegistration(bob, "+1 2065555555", "disabled"))
        case .smsSignInNumberMatchesMobile:
            return RawCase(
                setup: [aliceRow, RawSQL.insertPhone(alice, "mobile", "+1 2065555555")],
                violations: [RawSQL.insertRegistration(alice, "+1 4255555555", "registered")],
                neighbour: RawSQL.insertRegistration(alice, "+1 2065555555", "registered"))
        case .smsSignInMobileOnly:
            return RawCase(
                setup: [
                    aliceRow, RawSQL.insertPhone(alice, "mobile", "+1 2065555555"),
                    RawSQL.insertPhone(alice, "office", "+1 2065555555"),
                ],
                violations: [
                    "INSERT INTO sms_sign_in (user_id, phone_type, phone_number, status, updated_at) "
                        + "VALUES ('\(alice)', 'office', '+1 2065555555', 'registered', 'now');"
                ],
                neighbour: RawSQL.insertRegistration(alice, "+1 2065555555", "registered"))
        case .smsPolicyTargetExists:
            return RawCase(
                setup: [aliceRow],
                violations: [
                    RawSQL.insertTarget("include", "user", Fixture.unknownID),
                    RawSQL.insertTarget("exclude", "group", Fixture.unknownID),
                ],
                neighbour: RawSQL.insertTarget("include", "user", alice))
        case .smsPolicyTargetAllUsersIsGroup:
            return RawCase(
                setup: [RawSQL.insertTarget("include", "group", "all_users")],
                violations: [
                    "UPDATE sms_policy_target SET target_type = 'user' WHERE target_id = 'all_users'",
                    RawSQL.insertTarget("exclude", "user", "all_users"),
                ],
                neighbour: "UPDATE sms_policy_target SET is_usable_for_sign_in = 0 WHERE target_id = 'all_users'")
        case .groupDisplayNameUnique:
            return RawCase(
                setup: [RawSQL.insertGroup(alice, "Pilot")],
                violations: [RawSQL.insertGroup(bob, "pilot"), RawSQL.insertGroup(bob, "Pilot")],
                neighbour: RawSQL.insertGroup(bob, "Pilot 2"))
        case .groupDisplayNameNotEmpty:
            return RawCase(
                setup: [],
                violations: [RawSQL.insertGroup(bob, ""), RawSQL.insertGroup(bob, "   ")],
                neighbour: RawSQL.insertGroup(bob, "Pilot"))
        case .groupIDUnique:
            return RawCase(
                setup: [RawSQL.insertGroup(alice, "Pilot")],
                violations: [RawSQL.insertGroup(alice, "Other")],
                neighbour: RawSQL.insertGroup(bob, "Other"))
        case .groupIDIsGUID:
            return RawCase(
                setup: [],
                violations: [RawSQL.insertGroup("not-a-guid", "Pilot"), RawSQL.insertGroup(bob.uppercased(), "Pilot")],
                neighbour: RawSQL.insertGroup(bob, "Pilot"))
        case .appIDUnique:
            return RawCase(
                setup: [Self.insertApp(alice, "Help desk")],
                violations: [Self.insertApp(alice, "Other")],
                neighbour: Self.insertApp(bob, "Other"))
        case .appIDIsGUID:
            return RawCase(
                setup: [],
                violations: [Self.insertApp("not-a-guid", "App"), Self.insertApp(bob.uppercased(), "App")],
                neighbour: Self.insertApp(bob, "App"))
        case .appDisplayNameNotEmpty:
            return RawCase(
                setup: [],
                violations: [Self.insertApp(bob, "")],
                neighbour: Self.insertApp(bob, "App"))
        }
    }

    /// A rule broken through the store: `setup`, then `violation` must throw the rule, then
    /// `neighbour` must succeed. Rules the typed API cannot reach (a type change, an unknown type)
    /// go through `PhoneStore.write`, the path every store write takes.
    struct StoreCase {
        var setup: (PhoneStore) throws -> Void
        var violation: (PhoneStore) throws -> Void
        var neighbour: (PhoneStore) throws -> Void
    }

    static func storeCase(_ rule: Rule) -> StoreCase {
        let alice = Fixture.aliceID
        switch rule {
        case .phoneMethodOnePerType:
            return StoreCase(
                setup: {
                    try $0.addAlice(); _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                },
                violation: { _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 3") },
                neighbour: { try $0.updatePhoneMethod(userID: alice, type: .mobile, number: "+1 3") })
        case .alternateMobileRequiresMobile:
            return StoreCase(
                setup: { try $0.addAlice() },
                violation: { _ = try $0.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 3") },
                neighbour: {
                    _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                    _ = try $0.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 3")
                })
        case .mobileRequiredByAlternateMobile:
            return StoreCase(
                setup: {
                    try $0.addAlice()
                    _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                    _ = try $0.createPhoneMethod(userID: alice, type: .alternateMobile, number: "+1 3")
                },
                violation: { try $0.deletePhoneMethod(userID: alice, type: .mobile) },
                neighbour: {
                    try $0.deletePhoneMethod(userID: alice, type: .alternateMobile)
                    try $0.deletePhoneMethod(userID: alice, type: .mobile)
                })
        case .phoneTypeImmutable:
            return StoreCase(
                setup: {
                    try $0.addAlice(); _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                },
                violation: { store in
                    try store.write { db in
                        try db.run("UPDATE phone_method SET phone_type = 'office' WHERE user_id = ?", [.text(alice)])
                    }
                },
                neighbour: { try $0.updatePhoneMethod(userID: alice, type: .mobile, number: "+1 3") })
        case .phoneNumberFormat:
            return StoreCase(
                setup: { try $0.addAlice() },
                violation: { _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+12065555555") },
                neighbour: { _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555") })
        case .phoneTypeValid:
            return StoreCase(
                setup: { try $0.addAlice() },
                violation: { store in
                    try store.write { db in
                        try db.run(
                            "INSERT INTO phone_method VALUES (?, 'pager', '+1 2', 'now', 'now')", [.text(alice)])
                    }
                },
                neighbour: { _ = try $0.createPhoneMethod(userID: alice, type: .office, number: "+1 2") })
        case .userPrincipalNameUnique:
            return StoreCase(
                setup: { try $0.addUser(userPrincipalName: "A@x.com") },
                violation: { try $0.addUser(userPrincipalName: "a@X.com") },
                neighbour: { try $0.addUser(userPrincipalName: "a2@x.com") })
        case .userPrincipalNameFormat:
            return StoreCase(
                setup: { _ in },
                violation: { try $0.addUser(userPrincipalName: "alice at contoso.com") },
                neighbour: { try $0.addUser(userPrincipalName: "alice@contoso.com") })
        case .userIDUnique:
            return StoreCase(
                setup: { try $0.addAlice() },
                violation: { try $0.addUser(userPrincipalName: "other@contoso.com", id: alice.uppercased()) },
                neighbour: { try $0.addUser(userPrincipalName: "other@contoso.com", id: Fixture.bobID) })
        case .userIDIsGUID:
            return StoreCase(
                setup: { _ in },
                violation: { try $0.addUser(userPrincipalName: "alice@contoso.com", id: "not-a-guid") },
                neighbour: { try $0.addUser(userPrincipalName: "alice@contoso.com", id: Fixture.aliceID) })
        case .smsSignInNumberUnique:
            return StoreCase(
                setup: { store in
                    try store.addAlice()
                    try store.addBob()
                    try store.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers]))
                    _ = try store.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2065555555")
                    _ = try store.createPhoneMethod(userID: Fixture.bobID, type: .mobile, number: "+1 2065555555")
                },
                violation: { try $0.enableSmsSignIn(userID: Fixture.bobID, type: .mobile) },
                neighbour: { store in
                    try store.disableSmsSignIn(userID: alice, type: .mobile)
                    try store.enableSmsSignIn(userID: Fixture.bobID, type: .mobile)
                })
        case .smsSignInNumberMatchesMobile:
            return StoreCase(
                setup: {
                    try $0.addAlice(); _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                },
                violation: { store in
                    try store.write { db in try db.execute(RawSQL.insertRegistration(alice, "+1 3", "registered")) }
                },
                neighbour: { try $0.disableSmsSignIn(userID: alice, type: .mobile) })
        case .smsSignInMobileOnly:
            return StoreCase(
                setup: {
                    try $0.addAlice(); _ = try $0.createPhoneMethod(userID: alice, type: .mobile, number: "+1 2")
                },
                violation: { store in
                    try store.write { db in
                        try db.execute(
                            "INSERT INTO sms_sign_in (user_id, phone_type, phone_number, status, updated_at) "
                                + "VALUES ('\(alice)', 'office', '+1 2', 'registered', 'now')")
                    }
                },
                neighbour: { try $0.disableSmsSignIn(userID: alice, type: .mobile) })
        case .smsPolicyTargetExists:
            return StoreCase(
                setup: { try $0.addAlice() },
                violation: {
                    try $0.setSmsPolicy(
                        SmsPolicy(enabled: true, includeTargets: [.init(kind: .user, id: Fixture.unknownID)]))
                },
                neighbour: {
                    try $0.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.init(kind: .user, id: alice)]))
                })
        case .smsPolicyTargetAllUsersIsGroup:
            return StoreCase(
                setup: { try $0.setSmsPolicy(SmsPolicy(enabled: true, includeTargets: [.allUsers])) },
                violation: { store in
                    try store.write { db in try db.execute("UPDATE sms_policy_target SET target_type = 'user'") }
                },
                neighbour: { try $0.setSmsPolicy(SmsPolicy(enabled: false, includeTargets: [.allUsers])) })
        case .groupDisplayNameUnique:
            return StoreCase(
                setup: { try $0.addGroup(displayName: "Pilot") },
                violation: { try $0.addGroup(displayName: "PILOT") },
                neighbour: { try $0.addGroup(displayName: "Pilot 2") })
        case .groupDisplayNameNotEmpty:
            return StoreCase(
                setup: { _ in },
                violation: { try $0.addGroup(displayName: "  ") },
                neighbour: { try $0.addGroup(displayName: "Pilot") })
        case .groupIDUnique:
            return StoreCase(
                setup: { try $0.addGroup(displayName: "Pilot", id: alice) },
                violation: { try $0.addGroup(displayName: "Other", id: alice.uppercased()) },
                neighbour: { try $0.addGroup(displayName: "Other", id: Fixture.bobID) })
        case .groupIDIsGUID:
            return StoreCase(
                setup: { _ in },
                violation: { try $0.addGroup(displayName: "Pilot", id: "not-a-guid") },
                neighbour: { try $0.addGroup(displayName: "Pilot", id: Fixture.bobID) })
        case .appIDUnique:
            return StoreCase(
                setup: { try Self.addApp($0, id: alice, "Help desk") },
                violation: { try Self.addApp($0, id: alice.uppercased(), "Other") },
                neighbour: { try Self.addApp($0, id: Fixture.bobID, "Other") })
        case .appIDIsGUID:
            return StoreCase(
                setup: { _ in },
                violation: { try Self.addApp($0, id: "not-a-guid", "App") },
                neighbour: { try Self.addApp($0, id: Fixture.bobID, "App") })
        case .appDisplayNameNotEmpty:
            return StoreCase(
                setup: { _ in },
                violation: { try Self.addApp($0, id: Fixture.bobID, "") },
                neighbour: { try Self.addApp($0, id: Fixture.bobID, "App") })
        }
    }

    static func insertApp(_ id: String, _ name: String) -> String {
        "INSERT INTO app_registration (app_id, object_id, display_name, created_at) "
            + "VALUES ('\(id)', '\(Fixture.unknownID)', '\(name)', 'now');"
    }

    static func addApp(_ store: PhoneStore, id: String, _ name: String) throws {
        try store.perform(
            .addAppRegistration(
                appID: id, displayName: name, applicationPermissions: [], delegatedPermissions: [], redirectURIs: [],
                isPublicClient: false))
    }

    @Test(arguments: Rule.allCases)
    func ruleFiresAtStoreAPI(rule: Rule) throws {
        try withStore { store, path in
            let storeCase = Self.storeCase(rule)
            try storeCase.setup(store)
            let before = try snapshot(path)
            expectRule(rule) { try storeCase.violation(store) }
            #expect(try snapshot(path) == before, "a rejected write changes nothing")
            try storeCase.neighbour(store)
            #expect(try snapshot(path) != before, "the allowed neighbour is written")
        }
    }

    @Test(arguments: Rule.allCases)
    func ruleFiresInRawSQL(rule: Rule) throws {
        try withStore { _, path in
            let rawCase = Self.rawCase(rule)
            let db = try operatorConnection(path)
            for sql in rawCase.setup { try db.execute(sql) }
            let before = try snapshot(path)
            for sql in rawCase.violations { expectRawRule(rule, on: db, sql) }
            #expect(try snapshot(path) == before)
            try db.execute(rawCase.neighbour)
            #expect(try snapshot(path) != before)
        }
    }

    /// The rules are in the schema, not in Swift: the stock `sqlite3` shell refuses too.
    @Test func sqlite3ShellRefusesRuleBreakingInserts() throws {
        try withStore { store, path in
            try store.addAlice()
            let fk = "PRAGMA foreign_keys = ON;"
            let alternate = try SQLiteShell.run([
                path, fk + RawSQL.insertPhone(Fixture.aliceID, "alternateMobile", "+1 2065555555"),
            ])
            #expect(alternate.status != 0)
            #expect(alternate.standardError.contains("alternate_mobile_requires_mobile"), "\(alternate.standardError)")

            let format = try SQLiteShell.run([path, fk + RawSQL.insertPhone(Fixture.aliceID, "mobile", "+12065555555")])
            #expect(format.status != 0)
            #expect(format.standardError.contains("phone_number_format"), "\(format.standardError)")

            let upn = try SQLiteShell.run([path, fk + RawSQL.insertUser(Fixture.bobID, "ALICE@contoso.COM")])
            #expect(upn.status != 0)
            #expect(upn.standardError.contains("UNIQUE constraint failed"), "\(upn.standardError)")

            #expect(try store.phoneMethods(userID: Fixture.aliceID).isEmpty)
            #expect(try store.users().count == 1)

            // The same shell writes what the rules allow, which the store then reads.
            let allowed = try SQLiteShell.run([
                path, fk + RawSQL.insertPhone(Fixture.aliceID, "mobile", "+1 2065555555"),
            ])
            #expect(allowed.status == 0, "\(allowed.standardError)")
            #expect(try store.phoneMethods(userID: Fixture.aliceID).map(\.number) == ["+1 2065555555"])
        }
    }

    /// Names in the schema that are not API rules: the tenant row is written only by the store, and
    /// role ids come from `DirectoryRole`, so no request can break them.
    static let nonAPIConstraints: Set<String> = [
        "tenant_single_row", "tenant_id_is_guid", "tenant_signing_key_length", "tenant_admin_key_format",
        "user_role_is_guid",
        // Written only by the store from typed values, or bookkeeping (indexes, cleanup triggers).
        "group_member_by_user", "sms_policy_single_row", "sms_policy_state_valid", "sms_policy_target_kind_valid",
        "sms_policy_target_type_valid", "sms_sign_in_status_valid", "sms_policy_target_user_removed",
        "sms_policy_target_group_removed", "sms_sign_in_released_on_renumber", "sms_sign_in_released_on_delete",
        // Triggers that raise an existing rule's name on UPDATE as well as INSERT.
        "sms_policy_target_exists_on_update", "sms_sign_in_number_matches_mobile_on_update",
        "phone_number_format_insert", "phone_number_format_update",
        // The request journal: written only by the service from typed values, never a Graph rule.
        "request_journal_at_format", "request_journal_status_range", "request_journal_duration_not_negative",
        "request_journal_early_retry_is_boolean", "request_journal_one_caller", "request_journal_by_time",
        "request_journal_seq_positive", "request_journal_by_arrival",
        // Sign-in: written only by the store from typed values (keys, hashes), or indexes.
        "signing_key_one_current", "service_signing_key_one_current", "app_secret_by_app", "app_certificate_by_app",
        // The tenant registry and the operator key: written only by the service, from an id it
        // checked (TenantPaths.isValidID) and keys it made; backstops, never an API's rule.
        "tenant_registry_id_is_guid", "tenant_registry_admin_key_format", "tenant_registry_keep_is_boolean",
        "tenant_registry_admin_key_unique", "service_operator_single_row", "service_operator_key_format",
    ]

    /// Every named CHECK/UNIQUE constraint, unique index and trigger in the schema.
    static func schemaNames(_ path: String) throws -> Set<String> {
        let db = try Database(path: path, readOnly: true)
        var names: Set<String> = []
        var tableSQL: [String] = []
        try db.query("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL") { row in
            switch row.text(0) {
            case "trigger", "index": names.insert(row.text(1) ?? "")
            case "table": tableSQL.append(row.text(2) ?? "")
            default: break
            }
        }
        let pattern = try NSRegularExpression(pattern: #"\bCONSTRAINT\s+([A-Za-z_][A-Za-z0-9_]*)"#)
        for sql in tableSQL {
            let range = NSRange(sql.startIndex..., in: sql)
            for match in pattern.matches(in: sql, range: range) {
                if let name = Range(match.range(at: 1), in: sql) { names.insert(String(sql[name])) }
            }
        }
        return names
    }

    @Test func everyNamedConstraintAndTriggerIsARule() throws {
        try withStore { _, path in
            let names = try Self.schemaNames(path)
            let rules = Set(Rule.allCases.map(\.rawValue))
            // Sanity: the parse found the schema's names at all.
            #expect(
                names.isSuperset(of: ["phone_number_format", "phone_type_immutable", "user_principal_name_unique"]))
            let unmapped = names.subtracting(rules).subtracting(Self.nonAPIConstraints)
            #expect(unmapped.isEmpty, "schema names with no Rule case: \(unmapped.sorted())")
            let staleAllowList = Self.nonAPIConstraints.subtracting(names)
            #expect(staleAllowList.isEmpty, "allow-listed names no longer in the schema: \(staleAllowList.sorted())")
            // The other way: each rule is a schema name, except the primary keys, which SQLite
            // reports by column (user.id, directory_group.id) rather than by name.
            let missing = rules.subtracting(names).subtracting([
                Rule.userIDUnique.rawValue, Rule.groupIDUnique.rawValue, Rule.appIDUnique.rawValue,
            ])
            #expect(missing.isEmpty, "Rule cases with no constraint or trigger in the schema: \(missing.sorted())")
        }
    }

    @Test func ruleRawValuesAreDistinct() {
        #expect(Set(Rule.allCases.map(\.rawValue)).count == Rule.allCases.count)
    }
}
