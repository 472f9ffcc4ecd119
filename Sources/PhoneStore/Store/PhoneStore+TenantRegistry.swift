import Foundation

extension PhoneStore {
    /// The tenants this (default tenant's) file registers, oldest first.
    public func registeredTenants() throws(StoreError) -> [TenantRecord] {
        try read { db in try Self.registeredTenants(in: db) }
    }

    static func registeredTenants(in db: Database) throws -> [TenantRecord] {
        var records: [TenantRecord] = []
        try db.query(
            "SELECT id, display_name, admin_key, keep, created_at FROM tenant_registry ORDER BY created_at, id"
        ) { row in
            records.append(
                TenantRecord(
                    id: row.text(0) ?? "", displayName: row.text(1) ?? "", adminKey: row.text(2) ?? "",
                    keep: row.int(3) != 0, createdAt: row.text(4) ?? ""))
        }
        return records
    }

    /// The service's operator key, made (and committed) on first use.
    public func operatorKey() throws(StoreError) -> String {
        if let key = try read({ db in try db.scalarText("SELECT operator_key FROM service_operator") }) { return key }
        return try perform(
            PendingWrite { db in
                try db.run(
                    "INSERT OR IGNORE INTO service_operator (singleton, operator_key, created_at) VALUES (1, ?, ?)",
                    [.text(TenantRecord.makeOperatorKey()), .text(Timestamp.now())])
                return try db.scalarText("SELECT operator_key FROM service_operator") ?? ""
            })
    }
}

extension PendingWrite where Value == Void {
    /// Adds `record` to the registry.
    public static func registerTenant(_ record: TenantRecord) -> PendingWrite {
        PendingWrite { db in
            try db.run(
                "INSERT INTO tenant_registry (id, display_name, admin_key, keep, created_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(record.id), .text(record.displayName), .text(record.adminKey),
                    .integer(record.keep ? 1 : 0), .text(record.createdAt),
                ])
        }
    }
}

extension PendingWrite where Value == Bool {
    /// Removes tenant `id` from the registry; answers whether it was there.
    public static func unregisterTenant(id: String) -> PendingWrite {
        PendingWrite { db in
            try db.run("DELETE FROM tenant_registry WHERE id = ?", [.text(id)])
            return db.changes == 1
        }
    }
}
