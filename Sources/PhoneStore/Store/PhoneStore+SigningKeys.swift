import Foundation

extension PhoneStore {
    /// The signing keys in `db`, the current one first, then retired ones newest first; retired
    /// keys past their retention are left out (the next key change deletes them).
    static func signingKeys(in db: Database) throws -> [SigningKeyRecord] {
        var keys: [SigningKeyRecord] = []
        let oldest = Timestamp.format(Date().addingTimeInterval(-Double(SigningKeyRecord.retiredRetentionSeconds)))
        try db.query(
            """
            SELECT kid, x5t, private_key, certificate, created_at, retired_at FROM signing_key
            WHERE retired_at IS NULL OR retired_at >= ?
            ORDER BY retired_at IS NOT NULL, retired_at DESC
            """, [.text(oldest)]
        ) { row in
            keys.append(
                SigningKeyRecord(
                    kid: row.text(0) ?? "", x5t: row.text(1) ?? "", privateKey: row.blob(2), certificate: row.blob(3),
                    createdAt: row.text(4) ?? "", retiredAt: row.text(5)))
        }
        return keys
    }

    private static func pruneRetiredKeys(in db: Database) throws {
        let oldest = Timestamp.format(Date().addingTimeInterval(-Double(SigningKeyRecord.retiredRetentionSeconds)))
        try db.run("DELETE FROM signing_key WHERE retired_at IS NOT NULL AND retired_at < ?", [.text(oldest)])
    }

    static func reloadedTenant(in db: Database) throws -> Tenant {
        guard let tenant = try tenant(in: db) else { throw StoreError.noTenant }
        return tenant
    }

    /// Makes `key` the current signing key unless there is one already (two requests that both
    /// found none made one each: the first stored wins). Answers the tenant as it is afterwards.
    static func addSigningKey(_ key: SigningKeyRecord, in db: Database) throws -> Tenant {
        try pruneRetiredKeys(in: db)
        if try db.scalarInt("SELECT count(*) FROM signing_key WHERE retired_at IS NULL") == 0 {
            try db.run(
                """
                INSERT INTO signing_key (kid, x5t, private_key, certificate, created_at, retired_at)
                VALUES (?, ?, ?, ?, ?, NULL)
                """,
                [.text(key.kid), .text(key.x5t), .blob(key.privateKey), .blob(key.certificate), .text(key.createdAt)])
        }
        return try reloadedTenant(in: db)
    }
}

extension PendingWrite where Value == Tenant {
    /// Stores `key` as the current signing key, unless one exists already; the store serves the
    /// resulting tenant once it committed.
    public static func addSigningKey(_ key: SigningKeyRecord, of store: PhoneStore) -> PendingWrite {
        PendingWrite(committed: { [weak store] tenant in store?.replaceTenant(tenant) }) { db in
            try PhoneStore.addSigningKey(key, in: db)
        }
    }

    /// Retires the current signing key: it stays in the key set (and keeps verifying the tokens it
    /// signed) for `SigningKeyRecord.retiredRetentionSeconds`; the next token is signed with a new key.
    public static func rotateSigningKey(of store: PhoneStore) -> PendingWrite {
        PendingWrite(committed: { [weak store] tenant in store?.replaceTenant(tenant) }) { db in
            try db.run("UPDATE signing_key SET retired_at = ? WHERE retired_at IS NULL", [.text(Timestamp.now())])
            return try PhoneStore.reloadedTenant(in: db)
        }
    }
}
