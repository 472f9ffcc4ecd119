import Foundation

extension PhoneStore {
    /// The app registration whose client id is `appID` (without regard to case), with its secrets
    /// and certificates.
    public func appRegistration(appID: String) throws(StoreError) -> AppRegistration? {
        try read { db in try Self.appRegistration(appID: appID, in: db) }
    }

    /// Every app registration, by display name.
    public func appRegistrations() throws(StoreError) -> [AppRegistration] {
        try read { db in
            var ids: [String] = []
            try db.query("SELECT app_id FROM app_registration ORDER BY display_name, app_id") { row in
                ids.append(row.text(0) ?? "")
            }
            return try ids.compactMap { try Self.appRegistration(appID: $0, in: db) }
        }
    }

    static func appRegistration(appID: String, in db: Database) throws -> AppRegistration? {
        var found: AppRegistration?
        try db.query(
            """
            SELECT app_id, object_id, display_name, application_permissions, delegated_permissions, redirect_uris,
                is_public_client
            FROM app_registration WHERE app_id = lower(?)
            """, [.text(appID)]
        ) { row in
            found = AppRegistration(
                appID: row.text(0) ?? "", objectID: row.text(1) ?? "", displayName: row.text(2) ?? "",
                applicationPermissions: list(row.text(3)), delegatedPermissions: list(row.text(4)),
                redirectURIs: list(row.text(5)), isPublicClient: row.int(6) != 0)
        }
        guard let app = found else { return nil }
        var secrets: [ClientSecret] = []
        try db.query(
            "SELECT key_id, secret_hash, hint, end_at FROM app_secret WHERE app_id = ? ORDER BY created_at, key_id",
            [.text(app.appID)]
        ) { row in
            secrets.append(
                ClientSecret(
                    keyID: row.text(0) ?? "", hash: row.blob(1), hint: row.text(2) ?? "", endDateTime: row.text(3) ?? ""
                ))
        }
        var certificates: [ClientCertificate] = []
        try db.query(
            """
            SELECT key_id, x5t, x5t_s256, certificate, end_at FROM app_certificate WHERE app_id = ?
            ORDER BY created_at, key_id
            """, [.text(app.appID)]
        ) { row in
            certificates.append(
                ClientCertificate(
                    keyID: row.text(0) ?? "", x5t: row.text(1) ?? "", x5tS256: row.text(2) ?? "",
                    certificate: row.blob(3), endDateTime: row.text(4) ?? ""))
        }
        return AppRegistration(
            appID: app.appID, objectID: app.objectID, displayName: app.displayName,
            applicationPermissions: app.applicationPermissions, delegatedPermissions: app.delegatedPermissions,
            redirectURIs: app.redirectURIs, isPublicClient: app.isPublicClient, secrets: secrets,
            certificates: certificates)
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: " ").map(String.init)
    }

    static func requireApp(_ appID: String, in db: Database) throws -> AppRegistration {
        guard let app = try appRegistration(appID: appID, in: db) else { throw StoreError.appNotFound(appID) }
        return app
    }
}

extension PendingWrite where Value == AppRegistration {
    /// Registers an app; `appID` defaults to a new GUID. Lists must not contain spaces (the caller
    /// checks: they are stored space-separated).
    public static func addAppRegistration(
        appID: String?, displayName: String, applicationPermissions: [String], delegatedPermissions: [String],
        redirectURIs: [String], isPublicClient: Bool
    ) -> PendingWrite {
        let id = (appID ?? UUID().uuidString).lowercased()
        let objectID = UUID().uuidString.lowercased()
        return PendingWrite { db in
            try db.run(
                """
                INSERT INTO app_registration (app_id, object_id, display_name, application_permissions,
                    delegated_permissions, redirect_uris, is_public_client, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(id), .text(objectID), .text(displayName),
                    .text(applicationPermissions.joined(separator: " ")),
                    .text(delegatedPermissions.joined(separator: " ")), .text(redirectURIs.joined(separator: " ")),
                    .integer(isPublicClient ? 1 : 0), .text(Timestamp.now()),
                ])
            return try PhoneStore.requireApp(id, in: db)
        }
    }

    /// Adds a client secret, given as its hash (the text is never stored).
    public static func addClientSecret(appID: String, _ secret: ClientSecret) -> PendingWrite {
        PendingWrite { db in
            let app = try PhoneStore.requireApp(appID, in: db)
            try db.run(
                "INSERT INTO app_secret (key_id, app_id, secret_hash, hint, end_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    .text(secret.keyID), .text(app.appID), .blob(secret.hash), .text(secret.hint),
                    .text(secret.endDateTime), .text(Timestamp.now()),
                ])
            return try PhoneStore.requireApp(app.appID, in: db)
        }
    }

    /// Adds a certificate for client assertions.
    public static func addClientCertificate(appID: String, _ certificate: ClientCertificate) -> PendingWrite {
        PendingWrite { db in
            let app = try PhoneStore.requireApp(appID, in: db)
            try db.run(
                """
                INSERT INTO app_certificate (key_id, app_id, x5t, x5t_s256, certificate, end_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(certificate.keyID), .text(app.appID), .text(certificate.x5t), .text(certificate.x5tS256),
                    .blob(certificate.certificate), .text(certificate.endDateTime), .text(Timestamp.now()),
                ])
            return try PhoneStore.requireApp(app.appID, in: db)
        }
    }
}

extension PendingWrite where Value == Void {
    /// Removes an app registration with its secrets and certificates.
    public static func removeAppRegistration(appID: String) -> PendingWrite {
        PendingWrite { db in
            let app = try PhoneStore.requireApp(appID, in: db)
            try db.run("DELETE FROM app_registration WHERE app_id = ?", [.text(app.appID)])
        }
    }
}
