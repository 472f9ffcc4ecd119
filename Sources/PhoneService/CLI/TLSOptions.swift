import ArgumentParser
import Foundation
import PhoneStore

/// `serve`'s HTTPS options, and what they resolve to at start-up: the identity the HTTPS
/// listeners present, either the operator's (`--tls-cert`/`--tls-key`, or systemd credentials
/// named `tls-cert` and `tls-key`) or a server certificate from the tenant's own CA.
struct TLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-listen"),
        help:
            "Also serve HTTPS on HOST:PORT (port 0 picks a free port; empty: no HTTPS). Ignored under socket activation."
    )
    var listen: String?
    @Option(
        name: .customLong("tls-hostname"),
        help:
            "A DNS name or IP address the tenant CA's server certificate names, besides localhost, 127.0.0.1 and ::1 (repeatable)."
    )
    var hostnames: [String] = []
    @Option(name: .customLong("tls-cert"), help: "Your own server certificate, PEM, leaf first (a chain allowed).")
    var certificate: String?
    @Option(name: .customLong("tls-key"), help: "The private key of --tls-cert, PEM, without a passphrase.")
    var key: String?

    /// systemd's credential names for an operator's certificate and key (`LoadCredential=`).
    static let certificateCredential = "tls-cert"
    static let keyCredential = "tls-key"

    func validate() throws {
        guard (certificate == nil) == (key == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard certificate == nil || hostnames.isEmpty else {
            throw ValidationError(
                "--tls-hostname names the hosts of the tenant CA's certificate; your --tls-cert names its own")
        }
        for name in hostnames {
            do {
                _ = try TLSHostname(name)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    /// The HTTPS address asked for, or nil.
    var listenAddress: String? { listen.flatMap { $0.isEmpty ? nil : $0 } }

    /// What the HTTPS listeners present, and the CA to publish for clients to trust (nil when the
    /// operator brought their own certificate).
    struct Resolved {
        var identity: ServerIdentity
        var authority: TenantCertificateAuthority?
        /// Where the identity came from, for the log: "provided", "issued" or "kept".
        var source: String
    }

    /// Loads and checks the operator's certificate, or loads (making it on first use) the tenant's
    /// CA and its server certificate, renewed when near expiry or when the names changed.
    func resolve(
        store: PhoneStore, environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()
    ) throws -> Resolved {
        if let files = providedFiles(environment: environment) {
            let identity = try ServerIdentity.load(certificateFile: files.certificate, keyFile: files.key, now: now)
            return Resolved(identity: identity, authority: nil, source: "provided")
        }
        let authority = try TenantCertificateAuthority.loadOrCreate(
            databasePath: store.path, tenantID: store.tenant.id, now: now)
        let names = try hostnames.map { try TLSHostname($0) }
        let (identity, renewed) = try authority.serverIdentity(hostnames: names, now: now)
        return Resolved(identity: identity, authority: authority, source: renewed ? "issued" : "kept")
    }

    /// `--tls-cert`/`--tls-key`, or both credentials from `$CREDENTIALS_DIRECTORY`.
    private func providedFiles(environment: [String: String]) -> (certificate: String, key: String)? {
        if let certificate, let key { return (certificate, key) }
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        let certificate = directory + "/" + Self.certificateCredential
        let key = directory + "/" + Self.keyCredential
        guard FileManager.default.fileExists(atPath: certificate) || FileManager.default.fileExists(atPath: key) else {
            return nil
        }
        return (certificate, key)
    }
}
