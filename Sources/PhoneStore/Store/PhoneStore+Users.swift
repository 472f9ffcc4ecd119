import Foundation

extension PhoneStore {
    /// The user whose object id or user principal name (without regard to case) is `key`.
    public func user(key: String) throws(StoreError) -> User? {
        try read { db in try Self.user(key: key, in: db) }
    }

    /// Every user, by user principal name.
    public func users() throws(StoreError) -> [User] {
        try read { db in
            var ids: [String] = []
            try db.query("SELECT id FROM user ORDER BY user_principal_name") { row in ids.append(row.text(0) ?? "") }
            return try ids.compactMap { try Self.user(key: $0, in: db) }
        }
    }

    /// Adds a user; `id` defaults to a new GUID. Returns the stored user.
    @discardableResult
    public func addUser(
        userPrincipalName: String, id: String? = nil, displayName: String? = nil, roles: [DirectoryRole] = [],
        password: PasswordHash? = nil
    ) throws(StoreError) -> User {
        try perform(
            .addUser(
                userPrincipalName: userPrincipalName, id: id, displayName: displayName, roles: roles,
                password: password))
    }

    /// Removes a user with their roles and phone methods.
    public func removeUser(key: String) throws(StoreError) {
        try perform(.removeUser(key: key))
    }

    static func user(key: String, in db: Database) throws -> User? {
        var found: (id: String, upn: String, name: String)?
        var roles: [String] = []
        // A user principal name always has an '@' (a CHECK) and an object id never does, so one
        // index answers: `id = lower(?) OR user_principal_name = ?` made SQLite probe both. The
        // roles come in the same statement, not a second one, as every request looks its user up
        // (a row per role, one with NULL for none; in the primary key's order, so the ORDER BY
        // costs no sorter).
        let sql =
            key.withContiguousUTF8 { $0.contains(UInt8(ascii: "@")) }
            ? """
            SELECT u.id, u.user_principal_name, u.display_name, r.role_template_id
            FROM user u LEFT JOIN user_role r ON r.user_id = u.id WHERE u.user_principal_name = ?
            ORDER BY r.role_template_id
            """
            : """
            SELECT u.id, u.user_principal_name, u.display_name, r.role_template_id
            FROM user u LEFT JOIN user_role r ON r.user_id = u.id WHERE u.id = lower(?)
            ORDER BY r.role_template_id
            """
        try db.query(sql, [.text(key)]) { row in
            if found == nil { found = (row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? "") }
            if let role = row.text(3) { roles.append(role) }
        }
        guard let found else { return nil }
        return User(id: found.id, userPrincipalName: found.upn, displayName: found.name, roleTemplateIDs: roles)
    }
}

extension PendingWrite where Value == User {
    /// Adds a user, with a password when `password` is given (as its hash: never the text).
    public static func addUser(
        userPrincipalName: String, id: String? = nil, displayName: String? = nil, roles: [DirectoryRole] = [],
        password: PasswordHash? = nil
    ) -> PendingWrite {
        let objectID = (id ?? UUID().uuidString).lowercased()
        let name = displayName ?? String(userPrincipalName.prefix(while: { $0 != "@" }))
        return PendingWrite { db in
            try db.run(
                "INSERT INTO user (id, user_principal_name, display_name, created_at) VALUES (?, ?, ?, ?)",
                [.text(objectID), .text(userPrincipalName), .text(name), .text(Timestamp.now())])
            for role in Set(roles) {
                try db.run(
                    "INSERT INTO user_role (user_id, role_template_id) VALUES (?, ?)",
                    [.text(objectID), .text(role.rawValue)])
            }
            if let password { try PhoneStore.setPassword(password, userID: objectID, in: db) }
            guard let user = try PhoneStore.user(key: objectID, in: db) else { throw StoreError.userNotFound(objectID) }
            return user
        }
    }
}

extension PendingWrite where Value == Void {
    public static func removeUser(key: String) -> PendingWrite {
        PendingWrite { db in
            guard let user = try PhoneStore.user(key: key, in: db) else { throw StoreError.userNotFound(key) }
            try db.run("DELETE FROM user WHERE id = ?", [.text(user.id)])
        }
    }
}

extension PhoneStore {
    /// Whether some user's principal name is in `domain` (`name@domain`, without regard to case):
    /// a domain name stands for this tenant on the sign-in paths when it is.
    public func hasUser(inDomain domain: String) throws(StoreError) -> Bool {
        try read { db in
            try db.scalarInt(
                "SELECT EXISTS (SELECT 1 FROM user WHERE user_principal_name LIKE '%@' || ? ESCAPE '\\')",
                [
                    .text(
                        domain.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                            .replacingOccurrences(of: "_", with: "\\_"))
                ]) == 1
        }
    }
}
