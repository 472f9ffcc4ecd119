import Foundation

extension PhoneStore {
    /// Adds a group; `id` defaults to a new GUID.
    @discardableResult
    public func addGroup(displayName: String, id: String? = nil) throws(StoreError) -> Group {
        try perform(.addGroup(displayName: displayName, id: id))
    }

    /// The group whose id or display name (without regard to case) is `key`; an id match wins, as
    /// a group may be named like another group's id.
    public func group(key: String) throws(StoreError) -> Group? {
        try read { db in try Self.group(key: key, in: db) }
    }

    /// Every group, by name.
    public func groups() throws(StoreError) -> [Group] {
        try read { db in
            var ids: [String] = []
            try db.query("SELECT id FROM directory_group ORDER BY display_name") { row in ids.append(row.text(0) ?? "")
            }
            return try ids.compactMap { try Self.group(key: $0, in: db) }
        }
    }

    public func removeGroup(key: String) throws(StoreError) {
        try perform(.removeGroup(key: key))
    }

    public func addGroupMember(group: String, user: String) throws(StoreError) {
        try perform(.addGroupMember(group: group, user: user))
    }

    public func removeGroupMember(group: String, user: String) throws(StoreError) {
        try perform(.removeGroupMember(group: group, user: user))
    }

    static func groupAndUser(_ groupKey: String, _ userKey: String, in db: Database) throws -> (Group, User) {
        guard let group = try group(key: groupKey, in: db) else { throw StoreError.groupNotFound(groupKey) }
        guard let user = try user(key: userKey, in: db) else { throw StoreError.userNotFound(userKey) }
        return (group, user)
    }

    static func group(key: String, in db: Database) throws -> Group? {
        var found: (id: String, name: String)?
        try db.query(
            """
            SELECT id, display_name FROM directory_group WHERE id = lower(?1) OR display_name = ?1 COLLATE NOCASE
            ORDER BY id = lower(?1) DESC LIMIT 1
            """,
            [.text(key)]
        ) { row in found = (row.text(0) ?? "", row.text(1) ?? "") }
        guard let found else { return nil }
        var members: [String] = []
        try db.query("SELECT user_id FROM group_member WHERE group_id = ? ORDER BY user_id", [.text(found.id)]) { row in
            members.append(row.text(0) ?? "")
        }
        return Group(id: found.id, displayName: found.name, memberIDs: members)
    }
}

extension PendingWrite where Value == Group {
    public static func addGroup(displayName: String, id: String? = nil) -> PendingWrite {
        let groupID = (id ?? UUID().uuidString).lowercased()
        return PendingWrite { db in
            try db.run(
                "INSERT INTO directory_group (id, display_name, created_at) VALUES (?, ?, ?)",
                [.text(groupID), .text(displayName), .text(Timestamp.now())])
            return try PhoneStore.group(key: groupID, in: db)
                ?? Group(id: groupID, displayName: displayName, memberIDs: [])
        }
    }
}

extension PendingWrite where Value == Void {
    /// Removes a group (and its policy targets and memberships).
    public static func removeGroup(key: String) -> PendingWrite {
        PendingWrite { db in
            guard let group = try PhoneStore.group(key: key, in: db) else { throw StoreError.groupNotFound(key) }
            try db.run("DELETE FROM directory_group WHERE id = ?", [.text(group.id)])
        }
    }

    /// Adds a user to a group; adding a member twice is not an error.
    public static func addGroupMember(group groupKey: String, user userKey: String) -> PendingWrite {
        PendingWrite { db in
            let (group, user) = try PhoneStore.groupAndUser(groupKey, userKey, in: db)
            try db.run(
                "INSERT OR IGNORE INTO group_member (group_id, user_id) VALUES (?, ?)",
                [.text(group.id), .text(user.id)])
        }
    }

    /// Removes a user from a group; removing a non-member is not an error.
    public static func removeGroupMember(group groupKey: String, user userKey: String) -> PendingWrite {
        PendingWrite { db in
            let (group, user) = try PhoneStore.groupAndUser(groupKey, userKey, in: db)
            try db.run(
                "DELETE FROM group_member WHERE group_id = ? AND user_id = ?", [.text(group.id), .text(user.id)])
        }
    }
}
