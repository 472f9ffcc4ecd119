import Crypto
import Foundation
import PhoneStore
import SwiftASN1
import X509
import _CryptoExtras

/// App registrations, their credentials, and users' passwords: shared by the admin API
/// (`/_admin/applications`) and the command line (`phone-service app ...`, `user add --password`).
extension TenantAdministration {
    /// What an app registration is made from.
    struct ApplicationRequest: Sendable {
        var displayName: String
        var appID: String?
        var applicationPermissions: [String] = []
        var delegatedPermissions: [String] = []
        var redirectURIs: [String] = []
        var isPublicClient = false
    }

    func addApplication(_ request: ApplicationRequest) throws(GraphError) -> PendingWrite<AppRegistration> {
        try Self.requireGUID(request.appID, "appId")
        try Self.requireText(request.displayName, "displayName")
        for (name, list) in [
            ("applicationPermissions", request.applicationPermissions),
            ("delegatedPermissions", request.delegatedPermissions), ("redirectUris", request.redirectURIs),
        ] {
            for item in list where item.isEmpty || item.contains(where: { $0 == " " || $0.isNewline }) {
                throw Self.invalid("\(name) entries must be non-empty and without spaces: '\(item)'")
            }
        }
        for uri in request.redirectURIs where URL(string: uri)?.scheme == nil {
            throw Self.invalid("redirect URI '\(uri)' is not an absolute URI")
        }
        return .addAppRegistration(
            appID: request.appID, displayName: request.displayName,
            applicationPermissions: request.applicationPermissions, delegatedPermissions: request.delegatedPermissions,
            redirectURIs: request.redirectURIs, isPublicClient: request.isPublicClient)
    }

    /// The app registration with this client id.
    func application(_ appID: String) throws -> AppRegistration {
        guard let app = try store.appRegistration(appID: appID) else {
            throw Self.notFound("no application '\(appID)' in this tenant")
        }
        return app
    }

    /// A new client secret for `appID`, valid until `endDateTime` (ISO 8601; two years by default,
    /// Entra's default; a past date makes an expired secret, for tests). The text is returned once;
    /// the write stores its hash.
    func addSecret(appID: String, endDateTime: String?) throws -> (
        text: String, stored: ClientSecret, write: PendingWrite<AppRegistration>
    ) {
        var end = Date().addingTimeInterval(2 * 365 * 86_400)
        if let endDateTime {
            guard let parsed = ISO8601DateFormatter().date(from: endDateTime) else {
                throw Self.invalid("endDateTime '\(endDateTime)' is not an ISO 8601 date and time")
            }
            end = parsed
        }
        _ = try application(appID)
        let secret = Secrets.makeClientSecret(endDateTime: Timestamp.format(end))
        return (secret.text, secret.stored, .addClientSecret(appID: appID, secret.stored))
    }

    /// Registers a certificate (PEM, RSA) for `appID`'s client assertions.
    func addCertificate(appID: String, pem: String) throws -> (
        stored: ClientCertificate, write: PendingWrite<AppRegistration>
    ) {
        _ = try application(appID)
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: pem)
        } catch {
            throw Self.invalid("the pem is not a PEM-encoded X.509 certificate")
        }
        guard _RSA.Signing.PublicKey(certificate.publicKey) != nil else {
            throw Self.invalid("the certificate's key is not an RSA key (client assertions are RS256 or PS256)")
        }
        let der = try certificate.derBytes()
        let stored = ClientCertificate(
            keyID: UUID().uuidString.lowercased(), x5t: Base64URL.encode(Insecure.SHA1.hash(data: der)),
            x5tS256: Base64URL.encode(SHA256.hash(data: der)), certificate: der,
            endDateTime: Timestamp.format(certificate.notValidAfter))
        return (stored, .addClientCertificate(appID: appID, stored))
    }

    /// The stored form of a new password (PBKDF2: deliberately slow, so not on a pool thread).
    static func passwordHash(_ password: String?) throws -> PasswordHash? {
        guard let password else { return nil }
        guard !password.isEmpty, password.utf8.count <= 256 else {
            throw invalid("a password must have 1 to 256 bytes")
        }
        return try Secrets.hashPassword(password)
    }
}

extension Certificate {
    /// The certificate's DER encoding.
    func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
