import Foundation

/// Which table of signing keys: a tenant's own (`signing_key`) or the service's, which every
/// tenant signs with until it has keys of its own (migration 0012).
enum SigningKeyTable: String {
    case tenant = "signing_key"
    case service = "service_signing_key"
}

extension PhoneStore {
    /// The service's signing keys (current first): the default tenant's store keeps them, every
    /// other tenant's store reads them there.
    public var serviceSigningKeys: [SigningKeyRecord] {
        if let service { return service.serviceSigningKeys }
        return serviceKeyState.withLock { $0 }
    }

    /// The keys this tenant signs with and publishes: its own once it has any (a rotation made
    /// them), otherwise the service's, as Entra signs every tenant's tokens with one key set.
    public var publishedSigningKeys: [SigningKeyRecord] { publishedSigningKeys(of: tenant) }

    /// The keys `tenant` (this store's, as read once by the caller) publishes.
    public func publishedSigningKeys(of tenant: Tenant) -> [SigningKeyRecord] {
        tenant.signingKeys.isEmpty ? serviceSigningKeys : tenant.signingKeys
    }

    /// Stores `key` as the service's current signing key unless there is one already (two first
    /// uses at once made one each: the first stored wins). Answers the current key afterwards.
    public func addServiceSigningKey(_ key: SigningKeyRecord) throws(StoreError) -> SigningKeyRecord {
        if let service { return try service.addServiceSigningKey(key) }
        let keys = try perform(
            PendingWrite<[SigningKeyRecord]>(committed: { [weak self] keys in
                self?.serviceKeyState.withLock { $0 = keys }
            }) { db in
                _ = try PhoneStore.addSigningKey(key, to: .service, in: db)
                return try PhoneStore.signingKeys(in: db, table: .service)
            })
        guard let current = keys.first(where: { $0.retiredAt == nil }) else { throw .noTenant }
        return current
    }

    func reloadServiceSigningKeys() throws(StoreError) {
        if let service { return try service.reloadServiceSigningKeys() }
        let keys = try read { db in try Self.signingKeys(in: db, table: .service) }
        serviceKeyState.withLock { $0 = keys }
    }

    /// The signing keys in `table`, the current one first, then retired ones newest first; retired
    /// keys past their retention are left out (the next key change deletes them).
    static func signingKeys(in db: Database, table: SigningKeyTable = .tenant) throws -> [SigningKeyRecord] {
        var keys: [SigningKeyRecord] = []
        let oldest = Timestamp.format(Date().addingTimeInterval(-Double(SigningKeyRecord.retiredRetentionSeconds)))
        try db.query(
            """
            SELECT kid, x5t, private_key, certificate, created_at, retired_at FROM \(table.rawValue)
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

    static func reloadedTenant(in db: Database) throws -> Tenant {
        guard let tenant = try tenant(in: db) else { throw StoreError.noTenant }
        return tenant
    }

    /// Makes `key` the current signing key of `table` unless it has one (first stored wins).
    @discardableResult
    static func addSigningKey(_ key: SigningKeyRecord, to table: SigningKeyTable, in db: Database) throws -> Bool {
        let oldest = Timestamp.format(Date().addingTimeInterval(-Double(SigningKeyRecord.retiredRetentionSeconds)))
        try db.run("DELETE FROM \(table.rawValue) WHERE retired_at IS NOT NULL AND retired_at < ?", [.text(oldest)])
        guard try db.scalarInt("SELECT count(*) FROM \(table.rawValue) WHERE retired_at IS NULL") == 0 else {
            return false
        }
        try db.run(
            """
            INSERT INTO \(table.rawValue) (kid, x5t, private_key, certificate, created_at, retired_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .text(key.kid), .text(key.x5t), .blob(key.privateKey), .blob(key.certificate), .text(key.createdAt),
                key.retiredAt.map { .text($0) } ?? .null,
            ])
        return true
    }
}

extension PendingWrite where Value == Tenant {
    /// Stores `key` as the tenant's own current signing key, unless it has one already; the store
    /// serves the resulting tenant once it committed.
    public static func addSigningKey(_ key: SigningKeyRecord, of store: PhoneStore) -> PendingWrite {
        PendingWrite(committed: { [weak store] tenant in store?.replaceTenant(tenant) }) { db in
            try PhoneStore.addSigningKey(key, to: .tenant, in: db)
            return try PhoneStore.reloadedTenant(in: db)
        }
    }

    /// Retires the tenant's current signing key: it stays in the key set (and keeps verifying the
    /// tokens it signed) for `SigningKeyRecord.retiredRetentionSeconds`; the next token is signed
    /// with a new key of the tenant's own. A tenant that signed with the service's key retires its
    /// copy of it: the service's key goes on signing for every other tenant.
    public static func rotateSigningKey(of store: PhoneStore) -> PendingWrite {
        let shared = store.serviceSigningKeys.first { $0.retiredAt == nil }
        return PendingWrite(committed: { [weak store] tenant in store?.replaceTenant(tenant) }) { db in
            let now = Timestamp.now()
            if try db.scalarInt("SELECT count(*) FROM signing_key") == 0, let shared {
                let copy = SigningKeyRecord(
                    kid: shared.kid, x5t: shared.x5t, privateKey: shared.privateKey, certificate: shared.certificate,
                    createdAt: shared.createdAt, retiredAt: now)
                try PhoneStore.addSigningKey(copy, to: .tenant, in: db)
            }
            try db.run("UPDATE signing_key SET retired_at = ? WHERE retired_at IS NULL", [.text(now)])
            return try PhoneStore.reloadedTenant(in: db)
        }
    }
}
