import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The operator's own certificate (`--tls-cert`, `--tls-key`): a good chain is served; a missing,
/// unreadable, mismatched or expired one is one line on stderr and exit 1 before anything listens.
@Suite struct TLSStartupTests {
    /// A CA of its own (made like a tenant's, at `now`) and a server certificate from it, written
    /// as an operator's files: the chain (leaf, then CA) and the key.
    struct OperatorPKI {
        let caFile: String
        let chainFile: String
        let keyFile: String

        init(in directory: TemporaryDirectory, name: String = "pki", now: Date = Date()) throws {
            let authority = try TenantCertificateAuthority.loadOrCreate(
                databasePath: directory.path(name), tenantID: "operator", now: now)
            let identity = try authority.serverIdentity(hostnames: [], now: now).identity
            caFile = directory.path("\(name)-ca.pem")
            chainFile = directory.path("\(name)-chain.pem")
            keyFile = directory.path("\(name)-key.pem")
            try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            try (identity.certificateChainPEM + authority.certificatePEM).write(
                toFile: chainFile, atomically: true, encoding: .utf8)
            try identity.privateKeyPEM.write(toFile: keyFile, atomically: true, encoding: .utf8)
        }
    }

    @Test func theOperatorsChainIsServedAndTheTenantCAIsNotHandedOut() throws {
        let directory = try TemporaryDirectory()
        let pki = try OperatorPKI(in: directory)
        let db = directory.path("state.db")
        let adminKey = try PhoneStore(path: db).tenant.adminKey
        let service = try ServiceProcess(
            databasePath: db,
            arguments: ["--tls-listen", "127.0.0.1:0", "--tls-cert", pki.chainFile, "--tls-key", pki.keyFile])
        let port = try service.tlsPort()
        let health = try TLSClients.curl("https://localhost:\(port)/healthz", caFile: pki.caFile)
        #expect(health.status == 200, "\(health.stderr)")
        let ca = try TLSClients.curl(
            "https://localhost:\(port)/_admin/tls/ca-cert", caFile: pki.caFile,
            headers: [("Authorization", "Bearer \(adminKey)")])
        #expect(ca.status == 404, "\(ca.body)")
        #expect(service.log.contains("source=provided"))
        #expect(!FileManager.default.fileExists(atPath: TLSDirectory.path(forDatabase: db)), "no tenant CA was made")
    }

    /// Starts `serve` with `certificate` and `key` and expects exit 1 with one line naming `reason`.
    private func expectRefused(
        certificate: String, key: String, reason: String, in directory: TemporaryDirectory,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try runPhoneService([
            "serve", "--db", directory.path("state.db"), "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0",
            "--tls-cert", certificate, "--tls-key", key,
        ])
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.errorLines.first?.hasPrefix("phone-service: error: ") == true, sourceLocation: sourceLocation)
        #expect(result.stderr.contains(reason), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("listening"), "nothing was served", sourceLocation: sourceLocation)
    }

    @Test func aMissingOrUnreadableFileFailsStartUp() throws {
        let directory = try TemporaryDirectory()
        let pki = try OperatorPKI(in: directory)
        try expectRefused(
            certificate: directory.path("missing.pem"), key: pki.keyFile, reason: "no such file", in: directory)
        try expectRefused(certificate: pki.chainFile, key: directory.url.path, reason: "is a directory", in: directory)
        try "not a certificate\n".write(toFile: directory.path("junk.pem"), atomically: true, encoding: .utf8)
        try expectRefused(
            certificate: directory.path("junk.pem"), key: pki.keyFile, reason: "holds no PEM certificate",
            in: directory)
        try expectRefused(
            certificate: pki.chainFile, key: pki.chainFile, reason: "holds no PEM private key", in: directory)
    }

    @Test func aKeyOfAnotherCertificateFailsStartUp() throws {
        let directory = try TemporaryDirectory()
        let first = try OperatorPKI(in: directory, name: "first")
        let second = try OperatorPKI(in: directory, name: "second")
        try expectRefused(
            certificate: first.chainFile, key: second.keyFile, reason: "does not belong to the certificate",
            in: directory)
    }

    @Test func anExpiredCertificateFailsStartUp() throws {
        let directory = try TemporaryDirectory()
        let twoYearsAgo = Date().addingTimeInterval(-2 * 365 * 86_400)
        let pki = try OperatorPKI(in: directory, now: twoYearsAgo)
        try expectRefused(certificate: pki.chainFile, key: pki.keyFile, reason: "expired on", in: directory)
    }

    @Test func aBadHostnameIsRefusedBeforeAnythingStarts() throws {
        let directory = try TemporaryDirectory()
        let result = try runPhoneService([
            "serve", "--db", directory.path("state.db"), "--tls-listen", "127.0.0.1:0", "--tls-hostname", "bad_name!",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'bad_name!' is not a host name"), "\(result.stderr)")
    }

    @Test func hostnamesParse() throws {
        #expect(try TLSHostname("Phone-Service.Test") == .dns("phone-service.test"))
        #expect(try TLSHostname("*.example.test") == .dns("*.example.test"))
        #expect(try TLSHostname("192.0.2.1") == .ip("192.0.2.1", bytes: [192, 0, 2, 1]))
        #expect(try TLSHostname("[::1]").generalName == TLSHostname("::1").generalName)
        for bad in ["", "a..b", "-a.test", "a_b.test", "*.test", "a.*.test", "host:443"] {
            #expect(throws: TLSHostname.Invalid.self, "\(bad)") { try TLSHostname(bad) }
        }
    }
}
