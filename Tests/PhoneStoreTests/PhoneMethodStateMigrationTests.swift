import Foundation
import Testing

@testable import PhoneStore

/// Migration 6 replaces the `phone_method_state` view with a cheaper one. The API and the operator
/// read every phone's SMS sign-in state from it, so the new view must give the same rows: here,
/// for users in every state, under policies that include and exclude them every way there is.
struct PhoneMethodStateMigrationTests {
    static let users = [
        ("a0000000-0000-4000-8000-000000000001", "a@contoso.com"),
        ("b0000000-0000-4000-8000-000000000002", "b@contoso.com"),
        ("c0000000-0000-4000-8000-000000000003", "c@contoso.com"),
        ("d0000000-0000-4000-8000-000000000004", "d@contoso.com"),
        ("e0000000-0000-4000-8000-000000000005", "e@contoso.com"),
    ]
    static let groupOne = "91000000-0000-4000-8000-000000000001"
    static let groupTwo = "92000000-0000-4000-8000-000000000002"

    /// a: three phones, mobile not registered; b: mobile registered; c: mobile with b's number;
    /// d: mobile with SMS sign-in turned off; e: an office phone only. b and c are in group one,
    /// c and d in group two.
    static var seed: String {
        let (a, b, c, d, e) = (users[0].0, users[1].0, users[2].0, users[3].0, users[4].0)
        let members = [(groupOne, b), (groupOne, c), (groupTwo, c), (groupTwo, d)].map { group, user in
            "INSERT INTO group_member (group_id, user_id) VALUES ('\(group)', '\(user)');"
        }
        let statements: [String] =
            users.map { RawSQL.insertUser($0.0, $0.1) }
            + [RawSQL.insertGroup(groupOne, "one"), RawSQL.insertGroup(groupTwo, "two")] + members
            + [
                RawSQL.insertPhone(a, "mobile", "+1 1000"), RawSQL.insertPhone(a, "alternateMobile", "+1 1001"),
                RawSQL.insertPhone(a, "office", "+1 1002"), RawSQL.insertPhone(b, "mobile", "+1 2000"),
                RawSQL.insertPhone(c, "mobile", "+1 2000"), RawSQL.insertPhone(d, "mobile", "+1 4000"),
                RawSQL.insertPhone(e, "office", "+1 5000"),
                RawSQL.insertRegistration(b, "+1 2000", "registered"),
                RawSQL.insertRegistration(d, "+1 4000", "disabled"),
            ]
        return statements.joined()
    }

    /// Policies, each replacing the one before: the state of the policy, then its targets as
    /// (kind, type, id, usable for sign-in).
    static var policies: [(String, [(String, String, String, Int)])] {
        let (a, b, c) = (users[0].0, users[1].0, users[2].0)
        return [
            ("disabled", []),
            ("disabled", [("include", "group", "all_users", 1)]),
            ("enabled", []),
            ("enabled", [("include", "group", "all_users", 1)]),
            ("enabled", [("include", "group", "all_users", 0)]),
            ("enabled", [("include", "group", "all_users", 1), ("exclude", "group", groupTwo, 1)]),
            ("enabled", [("include", "user", a, 1), ("include", "group", groupOne, 1), ("exclude", "user", b, 1)]),
            ("enabled", [("include", "group", groupOne, 0), ("include", "user", c, 1)]),
            ("enabled", [("include", "group", groupTwo, 1), ("exclude", "group", "all_users", 1)]),
        ]
    }

    /// Every row of both views under each policy, as text.
    static func viewRows(_ db: Database) throws -> [String] {
        var rows: [String] = []
        for (index, (state, targets)) in policies.enumerated() {
            try db.execute("DELETE FROM sms_policy_target; UPDATE sms_policy SET state = '\(state)'")
            for (kind, type, id, usable) in targets {
                try db.run(
                    "INSERT INTO sms_policy_target (kind, target_type, target_id, is_usable_for_sign_in) VALUES (?, ?, ?, ?)",
                    [.text(kind), .text(type), .text(id), .integer(Int64(usable))])
            }
            try db.query(
                """
                SELECT user_id || '|' || user_principal_name || '|' || phone_type || '|' || phone_number || '|'
                    || created_at || '|' || sms_sign_in_state || '|' || reason
                FROM phone_method_state ORDER BY user_id, phone_type
                """
            ) { row in rows.append("policy \(index): \(row.text(0) ?? "NULL")") }
            try db.query(
                "SELECT user_id || '|' || user_principal_name || '|' || allowed_by_policy FROM sms_policy_user ORDER BY user_id"
            ) { row in rows.append("policy \(index): \(row.text(0) ?? "NULL")") }
        }
        return rows
    }

    @Test func migrationSixKeepsEveryRowOfTheView() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            try db.execute("PRAGMA foreign_keys = ON")
            #expect(try Migrator(migrations: Array(Migration.embedded.prefix(5))).migrate(db) == [1, 2, 3, 4, 5])
            try db.execute(Self.seed)
            let before = try Self.viewRows(db)

            #expect(try Migrator().migrate(db).first == 6)
            let after = try Self.viewRows(db)

            #expect(after == before)
            // The policies reach every state, so the comparison covers every branch of the view.
            let states = Set(after.compactMap { $0.split(separator: "|").dropFirst(5).first.map(String.init) })
            #expect(states == Set(SmsSignInState.allCases.map(\.rawValue)), "\(states)")
            #expect(after.count == Self.policies.count * (7 + Self.users.count))
        }
    }

    /// The view's plan: the policy, the registration and the number's other holder are read only
    /// for a mobile, and the user's table is left out when its name is not selected.
    @Test func theAPIsQueryDoesNotReadTheUserTable() throws {
        try TemporaryDatabase.with { path in
            let db = try Database(path: path)
            try Migrator().migrate(db)
            var plan: [String] = []
            try db.query(
                """
                EXPLAIN QUERY PLAN SELECT phone_type, phone_number, created_at, sms_sign_in_state
                FROM phone_method_state WHERE user_id = ?
                """, [.text(Self.users[0].0)]
            ) { row in plan.append(row.text(3) ?? "") }
            // The first step searches phone_method by user, in its primary key (a WITHOUT ROWID
            // table since version 7: no index, then the row); the user table appears only inside
            // the policy's subquery (sms_policy_user), which runs for a mobile with the policy enabled.
            #expect(plan.first?.hasPrefix("SEARCH p USING PRIMARY KEY (user_id=?)") == true, "\(plan)")
            #expect(plan.filter { $0.hasPrefix("SEARCH u ") }.count == 1, "\(plan)")
        }
    }
}
