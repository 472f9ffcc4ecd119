import Foundation

/// What a tenant reset keeps; everything else goes back to a new tenant's state.
public struct ResetScope: Sendable, Equatable {
    /// Users (and their directory roles); their phone methods go either way.
    public var keepUsers = false
    /// Groups and their members (members only when users are kept too).
    public var keepGroups = false
    /// The tenant's token epoch and signing keys. When they are not kept every token issued so far
    /// stops working: the epoch the tokens carry (`Tenant.tokenEpoch`) changes, and a tenant that
    /// had keys of its own signs with the service's again.
    public var keepSigningKey = false
    /// App registrations with their secrets and certificates.
    public var keepApplications = false
    /// The request journal (with the entries still buffered); cleared when it is not kept.
    public var keepJournal = false

    public init(
        keepUsers: Bool = false, keepGroups: Bool = false, keepSigningKey: Bool = false, keepJournal: Bool = false,
        keepApplications: Bool = false
    ) {
        self.keepUsers = keepUsers
        self.keepGroups = keepGroups
        self.keepSigningKey = keepSigningKey
        self.keepJournal = keepJournal
        self.keepApplications = keepApplications
    }
}

extension PhoneStore {
    public func reset(_ scope: ResetScope) throws(StoreError) {
        try perform(.reset(scope, of: self))
    }

    public func removePhoneMethods(userKey: String) throws(StoreError) {
        try perform(.removePhoneMethods(userKey: userKey))
    }

    public func restoreLive(from source: String) throws(StoreError) {
        try perform(.restoreLive(from: source, into: self))
    }
}

extension PendingWrite where Value == Tenant? {
    /// Puts the tenant back to its state when new, but for what `scope` keeps: phone methods, SMS
    /// sign-in registrations and the SMS policy always go. One write transaction: clients see the
    /// tenant before or after, never half reset. The tenant id and the admin key never change.
    /// Answers the tenant with its new token epoch, or nil when it was kept.
    public static func reset(_ scope: ResetScope, of store: PhoneStore) -> PendingWrite {
        let journal = store.journal
        return PendingWrite(committed: { [weak store] tenant in
            if let tenant { store?.replaceTenant(tenant) }
        }) { db -> Tenant? in
            // Alternate mobiles first: a mobile cannot go while its alternate mobile exists.
            try db.execute("DELETE FROM phone_method WHERE phone_type = 'alternateMobile'")
            try db.execute("DELETE FROM phone_method")
            try db.execute("DELETE FROM sms_sign_in")
            try db.execute("DELETE FROM sms_policy_target")
            try db.run("UPDATE sms_policy SET state = 'disabled', updated_at = ?", [.text(Timestamp.now())])
            if !scope.keepGroups { try db.execute("DELETE FROM directory_group") }
            if !scope.keepUsers { try db.execute("DELETE FROM user") }
            if !scope.keepApplications { try db.execute("DELETE FROM app_registration") }
            if scope.keepJournal {
                try PhoneStore.flush(journal, prune: false, in: db)
            } else {
                _ = journal.take()
                try db.execute("DELETE FROM request_journal")
            }
            guard !scope.keepSigningKey, let current = try PhoneStore.tenant(in: db) else { return nil }
            let rotated = Tenant(id: current.id, signingKey: Tenant.makeSigningKey(), adminKey: current.adminKey)
            try db.run("UPDATE tenant SET signing_key = ?", [.blob(rotated.signingKey)])
            try db.execute("DELETE FROM signing_key")
            return rotated
        }
    }
}

extension PendingWrite where Value == Void {
    /// Removes every phone method of one user (and with the mobile its SMS sign-in registration).
    public static func removePhoneMethods(userKey: String) -> PendingWrite {
        PendingWrite { db in
            guard let user = try PhoneStore.user(key: userKey, in: db) else { throw StoreError.userNotFound(userKey) }
            try db.run(
                "DELETE FROM phone_method WHERE user_id = ? AND phone_type = 'alternateMobile'", [.text(user.id)])
            try db.run("DELETE FROM phone_method WHERE user_id = ?", [.text(user.id)])
        }
    }
}

extension PendingWrite where Value == Tenant {
    /// Replaces the whole state with the snapshot at `source` while the service runs: SQLite's
    /// backup API copies it into the live database on the writer thread, between two group
    /// commits, as one write transaction. A reader sees the state before or after, never a mix.
    /// The snapshot must be a sound phone-service database of this tenant and schema version.
    public static func restoreLive(from source: String, into store: PhoneStore) -> PendingWrite {
        let (schemaVersion, tenantID) = (store.schemaVersion, store.tenant.id)
        let journal = store.journal
        return PendingWrite(
            transactional: false, committed: { [weak store] tenant in store?.replaceTenant(tenant) }
        ) { db in
            guard FileManager.default.fileExists(atPath: source) else { throw StoreError.restoreSourceMissing(source) }
            let problems = try PhoneStore.check(path: source)
            guard problems.isEmpty else { throw StoreError.restoreSourceDamaged(problems.first ?? "") }
            let from = try Database(path: source, create: false, readOnly: true)
            guard try from.scalarInt("PRAGMA application_id") == Migrator.applicationID else {
                throw StoreError.notPhoneServiceDatabase
            }
            let version = Int(try from.scalarInt("PRAGMA user_version") ?? 0)
            guard version == schemaVersion else {
                throw StoreError.snapshotIncompatible("schema version \(version), this service has \(schemaVersion)")
            }
            guard try PhoneStore.tenant(in: from)?.id == tenantID else {
                throw StoreError.snapshotIncompatible("it belongs to another tenant")
            }
            // The registry of other tenants and the operator key are the service's, not this
            // tenant's state: a snapshot of the default tenant does not roll them back.
            // Nor the signing keys every tenant shares: other tenants' tokens stay valid.
            let registry = try PhoneStore.registeredTenants(in: db)
            let operatorKey = try db.scalarText("SELECT operator_key FROM service_operator")
            let serviceKeys = try PhoneStore.signingKeys(in: db, table: .service)
            try db.copy(from: from)
            try db.immediateTransaction {
                try db.execute(
                    "DELETE FROM tenant_registry; DELETE FROM service_operator; DELETE FROM service_signing_key")
                for record in registry { try PendingWrite<Void>.registerTenant(record).operation(db) }
                for key in serviceKeys.reversed() { try PhoneStore.addSigningKey(key, to: .service, in: db) }
                if let operatorKey {
                    try db.run(
                        "INSERT INTO service_operator (singleton, operator_key, created_at) VALUES (1, ?, ?)",
                        [.text(operatorKey), .text(Timestamp.now())])
                }
            }
            guard let tenant = try PhoneStore.tenant(in: db) else { throw StoreError.noTenant }
            // The snapshot's rows may carry larger arrival numbers than this run hands out (it was
            // taken before a reset emptied the journal and the service restarted).
            journal.raiseSequence(above: try PhoneStore.largestJournalSequence(in: db))
            return tenant
        }
    }
}
