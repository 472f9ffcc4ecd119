import Foundation

@testable import PhoneStore

/// Fixed object ids and helpers shared by the tests.
enum Fixture {
    static let aliceID = "a11ce000-0000-4000-8000-000000000001"
    static let bobID = "b0b00000-0000-4000-8000-000000000002"
    static let carolID = "ca201000-0000-4000-8000-000000000003"
    static let unknownID = "0dead000-0000-4000-8000-000000000000"
}

/// Runs `body` with a fresh store on a fresh temporary file, and the file's path.
func withStore<T>(durability: Durability = .full, _ body: (PhoneStore, String) throws -> T) throws -> T {
    try TemporaryDatabase.with { path in
        try body(PhoneStore(path: path, durability: durability), path)
    }
}

extension PhoneStore {
    @discardableResult
    func addAlice(roles: [DirectoryRole] = []) throws -> User {
        try addUser(userPrincipalName: "alice@contoso.com", id: Fixture.aliceID, displayName: "Alice", roles: roles)
    }

    @discardableResult
    func addBob() throws -> User {
        try addUser(userPrincipalName: "bob@contoso.com", id: Fixture.bobID, displayName: "Bob")
    }
}

/// A second, plain connection to the store's file, as an operator's `sqlite3` shell would open it:
/// foreign keys on (SQLite leaves them off by default), and waiting for the store's locks.
func operatorConnection(_ path: String) throws -> Database {
    let db = try Database(path: path, create: false)
    try db.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000")
    return db
}

/// SQL text for raw inserts, the way an operator would type them.
enum RawSQL {
    static func insertUser(_ id: String, _ upn: String) -> String {
        "INSERT INTO user (id, user_principal_name, display_name, created_at) "
            + "VALUES ('\(id)', '\(upn)', '', '2026-01-01T00:00:00Z');"
    }

    static func insertPhone(_ userID: String, _ type: String, _ number: String) -> String {
        "INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at) "
            + "VALUES ('\(userID)', '\(type)', '\(number)', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    }

    static func deletePhone(_ userID: String, _ type: String) -> String {
        "DELETE FROM phone_method WHERE user_id = '\(userID)' AND phone_type = '\(type)';"
    }

    static func insertRegistration(_ userID: String, _ number: String, _ status: String) -> String {
        "INSERT INTO sms_sign_in (user_id, phone_number, status, updated_at) "
            + "VALUES ('\(userID)', '\(number)', '\(status)', '2026-01-01T00:00:00Z');"
    }

    static func insertTarget(_ kind: String, _ type: String, _ id: String) -> String {
        "INSERT INTO sms_policy_target (kind, target_type, target_id) VALUES ('\(kind)', '\(type)', '\(id)');"
    }

    static func insertGroup(_ id: String, _ name: String) -> String {
        "INSERT INTO directory_group (id, display_name, created_at) VALUES ('\(id)', '\(name)', '2026-01-01T00:00:00Z');"
    }
}

/// Every row of the store's tables as text, to compare the database before and after a write.
func snapshot(_ path: String) throws -> [String] {
    let db = try Database(path: path, readOnly: true)
    let queries = [
        "SELECT 'tenant|' || id || '|' || hex(signing_key) || '|' || created_at FROM tenant",
        "SELECT 'user|' || id || '|' || user_principal_name || '|' || display_name || '|' || created_at FROM user ORDER BY id",
        "SELECT 'role|' || user_id || '|' || role_template_id FROM user_role ORDER BY 1",
        "SELECT 'phone|' || user_id || '|' || phone_type || '|' || phone_number || '|' || created_at || '|' || updated_at "
            + "FROM phone_method ORDER BY 1",
        "SELECT 'migration|' || version || '|' || name FROM schema_migration ORDER BY version",
        "SELECT 'group|' || id || '|' || display_name FROM directory_group ORDER BY id",
        "SELECT 'member|' || group_id || '|' || user_id FROM group_member ORDER BY 1",
        "SELECT 'policy|' || state FROM sms_policy",
        "SELECT 'target|' || kind || '|' || target_type || '|' || target_id || '|' || is_registration_required || '|' "
            + "|| is_usable_for_sign_in FROM sms_policy_target ORDER BY 1",
        "SELECT 'sms|' || user_id || '|' || phone_type || '|' || phone_number || '|' || status FROM sms_sign_in ORDER BY 1",
    ]
    var rows: [String] = []
    // Tables of later schema versions, when the database has them (migration tests snapshot older ones).
    var later: [String] = []
    if try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'app_registration'") == 1 {
        later.append("SELECT 'app|' || app_id || '|' || display_name FROM app_registration ORDER BY 1")
    }
    for query in queries + later {
        try db.query(query) { row in rows.append(row.text(0) ?? "NULL") }
    }
    return rows
}

/// Collects values from several threads. @unchecked Sendable: `values` is only touched under `lock`.
final class Collector<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []

    func append(_ value: Value) { lock.withLock { values.append(value) } }
    var all: [Value] { lock.withLock { values } }
}
