extension PhoneStore {
    /// The password hash of the user with object id `userID`, or nil when the user has no password.
    public func passwordHash(userID: String) throws(StoreError) -> PasswordHash? {
        try read { db in
            var hash: PasswordHash?
            try db.query(
                "SELECT salt, iterations, password_hash FROM user_password WHERE user_id = ?", [.text(userID)]
            ) { row in
                hash = PasswordHash(salt: row.blob(0), iterations: Int(row.int(1)), hash: row.blob(2))
            }
            return hash
        }
    }

    static func setPassword(_ password: PasswordHash, userID: String, in db: Database) throws {
        try db.run(
            """
            INSERT INTO user_password (user_id, salt, iterations, password_hash, changed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET salt = excluded.salt, iterations = excluded.iterations,
                password_hash = excluded.password_hash, changed_at = excluded.changed_at
            """,
            [
                .text(userID), .blob(password.salt), .integer(Int64(password.iterations)), .blob(password.hash),
                .text(Timestamp.now()),
            ])
    }
}

extension PendingWrite where Value == Void {
    /// Sets (or replaces) a user's password, given as its hash.
    public static func setPassword(userKey: String, _ password: PasswordHash) -> PendingWrite {
        PendingWrite { db in
            guard let user = try PhoneStore.user(key: userKey, in: db) else { throw StoreError.userNotFound(userKey) }
            try PhoneStore.setPassword(password, userID: user.id, in: db)
        }
    }
}
