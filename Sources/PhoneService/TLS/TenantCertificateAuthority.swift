import Crypto
import Foundation
import SwiftASN1
import X509

/// The tenant's own certificate authority: an ECDSA P-256 key and a 10-year CA certificate whose
/// subject names the tenant, made on first use and kept in `<db>.tls/` beside the database, not in
/// it: a reset or a snapshot restore rewrites the SQLite file and never changes what clients were
/// told to trust. It issues the server certificate the HTTPS listener presents.
struct TenantCertificateAuthority {
    let store: TLSDirectory
    let certificate: Certificate
    let key: P256.Signing.PrivateKey
    /// The CA certificate in PEM, for clients to trust.
    let certificatePEM: String

    static let caValidity: TimeInterval = 10 * 365 * 86_400
    static let serverValidity: TimeInterval = 365 * 86_400
    /// A server certificate with less than this left is renewed at start-up.
    static let renewBefore: TimeInterval = 30 * 86_400
    /// Certificates start an hour back, for clients whose clocks lag.
    static let backdating: TimeInterval = 3600

    enum Failure: Error, CustomStringConvertible {
        case damaged(path: String, reason: String)
        case issuing(String)

        var description: String {
            switch self {
            case .damaged(let path, let reason):
                "the tenant's CA in '\(path)' cannot be used (\(reason)); move the directory away to make a new CA"
                    + " (clients must then trust the new one)"
            case .issuing(let reason): "cannot issue a certificate: \(reason)"
            }
        }
    }

    /// The tenant's CA for the database at `databasePath`: loaded, or made and saved when there is none.
    static func loadOrCreate(databasePath: String, tenantID: String, now: Date = Date()) throws
        -> TenantCertificateAuthority
    {
        let store = TLSDirectory(path: TLSDirectory.path(forDatabase: databasePath))
        if !store.exists {
            let (certificate, key) = try make(tenantID: tenantID, now: now)
            // Two processes starting at once both make one; the first saved wins and the other is dropped.
            try store.create(
                [
                    TLSDirectory.caCertificate: try certificate.serializeAsPEM().pemString + "\n",
                    TLSDirectory.caKey: key.pemRepresentation + "\n",
                ], owner: TLSDirectory.owner(of: databasePath))
        }
        return try load(store)
    }

    private static func load(_ store: TLSDirectory) throws -> TenantCertificateAuthority {
        let certificatePath = store.file(TLSDirectory.caCertificate)
        do {
            let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
            let keyPEM = try String(contentsOfFile: store.file(TLSDirectory.caKey), encoding: .utf8)
            let certificate = try Certificate(pemEncoded: certificatePEM)
            let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
            guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
                throw Failure.damaged(path: store.path, reason: "its key does not belong to its certificate")
            }
            return TenantCertificateAuthority(
                store: store, certificate: certificate, key: key, certificatePEM: certificatePEM)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.damaged(path: store.path, reason: "\(error)")
        }
    }

    private static func make(tenantID: String, now: Date) throws -> (Certificate, P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let signer = Certificate.PrivateKey(key)
        let name = try DistinguishedName {
            OrganizationName("phone-service")
            CommonName("phone-service CA for tenant \(tenantID)")
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: signer.publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signer.publicKey,
            notValidBefore: now - backdating, notValidAfter: now + caValidity, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: signer)
        return (certificate, key)
    }

    /// The server certificate for `hostnames` (the loopback names are always added): the saved one
    /// while it is this CA's, names the same hosts and has more than `renewBefore` left; otherwise
    /// a new one, saved for the next start. `renewed` tells which.
    func serverIdentity(hostnames: [TLSHostname], now: Date = Date()) throws -> (
        identity: ServerIdentity, renewed: Bool
    ) {
        let names = TLSHostname.withLoopback(hostnames)
        let path = store.file(TLSDirectory.serverCertificate)
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            let saved = try? ServerIdentity(
                certificatePEM: text, certificateSource: path, keyPEM: text, keySource: path, now: now),
            saved.leaf.issuer == certificate.subject,
            certificate.publicKey.isValidSignature(saved.leaf.signature, for: saved.leaf),
            saved.names == Set(names.map(\.generalName)),
            saved.leaf.notValidAfter.timeIntervalSince(now) > Self.renewBefore
        {
            return (saved, false)
        }
        let issued = try issue(names, now: now)
        try store.replace(TLSDirectory.serverCertificate, with: issued.privateKeyPEM + issued.certificateChainPEM)
        return (issued, true)
    }

    private func issue(_ names: [TLSHostname], now: Date) throws -> ServerIdentity {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let authorityKey = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        // The common name is for people reading the certificate; clients match the alternative names.
        var commonName = "localhost"
        for case .dns(let name) in names where name != "localhost" {
            commonName = name
            break
        }
        let subject = try DistinguishedName {
            OrganizationName("phone-service")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names.map(\.generalName))
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authorityKey)
        }
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now - Self.backdating, notValidAfter: now + Self.serverValidity,
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(self.key))
        let leafPEM = try leaf.serializeAsPEM().pemString
        do {
            return try ServerIdentity(
                certificatePEM: leafPEM, certificateSource: "(issued)", keyPEM: key.pemRepresentation,
                keySource: "(issued)", now: now)
        } catch {
            throw Failure.issuing("\(error)")
        }
    }
}
