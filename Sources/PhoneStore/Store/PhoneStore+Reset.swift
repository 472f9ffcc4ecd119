import Foundation

/// What a tenant reset keeps; everything else goes back to a new tenant's state.
public struct ResetScope: Sendable, Equatable {
    /// Users (and their directory roles); their phone methods go either way.
    public var keepUsers = false
    /// Groups and their members (members only when users are kept too).
    public var keepGroups = false
    /// The token signing key; when it is not kept every token issued so far stops working.
    public var keepSigningKey = false
    /// The request journal (with the entries still buffered); cleared when it is not kept.
    public var keepJournal = false

    public init(
        keepUsers: Bool = false, keepGroups: Bool = false, keepSigningKey: Bool = false, keepJournal: Bool = false
    ) {
        self.keepUsers = keepUsers
        self.keepGroups = keepGroups
        self.keepSigningKey = keepSigningKey
        self.keepJournal = keepJournal
    }
}

extension PhoneStore {
    /// Puts the tenant back to its state when new, but for what `scope` keeps: phone methods, SMS
    /// sign-in registrations and the SMS policy always go. One write transaction: clients see the
    /// tenant before or after, never half reset. The tenant id and the admin key never change.
    public func reset(_ scope: ResetScope) throws {
        let rotated = try write { db -> Tenant? in
            // Alternate mobiles first: a mobile cannot go while its alternate mobile exists.
            try db.execute("DELETE FROM phone_method WHERE phone_type = 'alternateMobile'")
            try db.execute("DELETE FROM phone_method")
            try db.execute("DELETE FROM sms_sign_in")
            try db.execute("DELETE FROM sms_policy_target")
            try db.run("UPDATE sms_policy SET state = 'disabled', updated_at = ?", [.text(Timestamp.now())])
            if !scope.keepGroups { try db.execute("DELETE FROM directory_group") }
            if !scope.keepUsers { try db.execute("DELETE FROM user") }
            if scope.keepJournal {
                try Self.flush(self.journal, prune: false, in: db)
            } else {
                _ = self.journal.take()
                try db.execute("DELETE FROM request_journal")
            }
            guard !scope.keepSigningKey, let current = try Self.tenant(in: db) else { return nil }
            let rotated = Tenant(id: current.id, signingKey: Tenant.makeSigningKey(), adminKey: current.adminKey)
            try db.run("UPDATE tenant SET signing_key = ?", [.blob(rotated.signingKey)])
            return rotated
        }
        if rotated != nil { try reloadTenant() }
    }

    /// Removes every phone method of one user (and with the mobile its SMS sign-in registration).
    public func removePhoneMethods(userKey: String) throws {
        try write { db in
            guard let user = try Self.user(key: userKey, in: db) else { throw StoreError.userNotFound(userKey) }
            try db.run(
                "DELETE FROM phone_method WHERE user_id = ? AND phone_type = 'alternateMobile'", [.text(user.id)])
            try db.run("DELETE FROM phone_method WHERE user_id = ?", [.text(user.id)])
        }
    }

    /// Replaces the whole state with the snapshot at `source` while the service runs: SQLite's
    /// backup API copies it into the live database on the writer thread, between two group
    /// commits, as one write transaction. A reader sees the state before or after, never a mix.
    /// The snapshot must be a sound phone-service database of this tenant and schema version.
    public func restoreLive(from source: String) throws {
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError.restoreSourceMissing(source) }
        let problems = try Self.check(path: source)
        guard problems.isEmpty else { throw StoreError.restoreSourceDamaged(problems.first ?? "") }
        do {
            let from = try Database(path: source, create: false, readOnly: true)
            guard try from.scalarInt("PRAGMA application_id") == Migrator.applicationID else {
                throw StoreError.notPhoneServiceDatabase
            }
            let version = Int(try from.scalarInt("PRAGMA user_version") ?? 0)
            guard version == schemaVersion else {
                throw StoreError.snapshotIncompatible("schema version \(version), this service has \(schemaVersion)")
            }
            guard try Self.tenant(in: from)?.id == tenant.id else {
                throw StoreError.snapshotIncompatible("it belongs to another tenant")
            }
            try write(transaction: false) { db in try db.copy(from: from) }
        } catch let error as SQLiteError {
            throw StoreError(error)
        }
        try reloadTenant()
    }
}
