import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The real binary serving HTTP and HTTPS at once, with a certificate from the tenant's own CA,
/// checked with curl and openssl as clients: every route family over HTTPS, TLS 1.2 and 1.3 only,
/// the names asked for, untrusting clients refused, the certificate kept across restarts, reset
/// and snapshot restore.
@Suite struct HTTPSTests {
    /// A tenant with an administrator, a user and a token, served over HTTP and HTTPS.
    final class Tenant {
        let directory: TemporaryDirectory
        let db: String
        let token: String
        let adminKey: String
        let service: ServiceProcess
        let tlsPort: Int
        let caFile: String

        init(arguments: [String] = []) throws {
            directory = try TemporaryDirectory()
            db = directory.path("state.db")
            let store = try PhoneStore(path: db, durability: .normal)
            let admin = try store.addUser(userPrincipalName: "admin@contoso.com", roles: [.globalAdministrator])
            try store.addUser(userPrincipalName: "alice@contoso.com")
            token = try TokenIssuer(store: store).delegated(
                user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
            adminKey = store.tenant.adminKey
            service = try ServiceProcess(databasePath: db, arguments: ["--tls-listen", "127.0.0.1:0"] + arguments)
            tlsPort = try service.tlsPort()
            caFile = directory.path("ca.pem")
            let printed = try runPhoneService(["tls", "ca-cert", "--db", db])
            try printed.stdout.write(toFile: caFile, atomically: true, encoding: .utf8)
        }

        var https: String { "https://localhost:\(tlsPort)" }
        var graphAuth: (String, String) { ("Authorization", "Bearer \(token)") }
        var adminAuth: (String, String) { ("Authorization", "Bearer \(adminKey)") }

        func curl(
            _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil,
            caFile: String? = nil
        ) throws -> TLSClients.Answer {
            try TLSClients.curl(
                https + path, caFile: caFile ?? self.caFile, method: method, headers: headers, body: body)
        }
    }

    static let phones = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"

    /// Sign-in's discovery over HTTPS names HTTPS endpoints at the address the client used (MSAL
    /// and azure-identity refuse an http:// token endpoint), and the same over HTTP names HTTP ones.
    @Test func discoveryNamesTheSchemeTheClientUsed() throws {
        let tenant = try Tenant()
        let discovery = try tenant.curl("GET", "/contoso.com/v2.0/.well-known/openid-configuration")
        #expect(discovery.status == 200, "\(discovery.body) \(discovery.stderr)")
        #expect(discovery.body.contains(#""token_endpoint":"\#(tenant.https)/"#), "\(discovery.body)")
        #expect(!discovery.body.contains("http://"), "\(discovery.body)")
        let plain = try tenant.service.client().request("GET", "/contoso.com/v2.0/.well-known/openid-configuration")
        #expect(plain.status == 200 && plain.text.contains(#""token_endpoint":"http://"#), "\(plain.text)")
    }

    @Test func everyRouteFamilyIsServedOverHTTPS() throws {
        let tenant = try Tenant()
        let json = ("Content-Type", "application/json")
        let health = try tenant.curl("GET", "/healthz")
        #expect(health.exitCode == 0 && health.status == 200, "\(health.stderr)")
        #expect(health.body.contains(#""status":"ok""#))

        let created = try tenant.curl(
            "POST", Self.phones, headers: [tenant.graphAuth, json],
            body: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#)
        #expect(created.status == 201, "\(created.body) \(created.stderr)")
        let listed = try tenant.curl("GET", Self.phones, headers: [tenant.graphAuth])
        #expect(listed.status == 200 && listed.body.contains("+1 2065555555"))
        let beta = try tenant.curl("GET", Self.phones.replacing("/v1.0/", with: "/beta/"), headers: [tenant.graphAuth])
        #expect(beta.status == 200 && beta.body.contains("+1 2065555555"))
        let refused = try tenant.curl("GET", Self.phones)
        #expect(refused.status == 401, "no token: Graph's 401, over HTTPS as over HTTP")

        let batch = try tenant.curl(
            "POST", "/v1.0/$batch", headers: [tenant.graphAuth, json],
            body:
                #"{"requests":[{"id":"1","method":"GET","url":"/users/alice%40contoso.com/authentication/phoneMethods"}]}"#
        )
        #expect(batch.status == 200 && batch.body.contains(#""status":200"#), "\(batch.body)")

        let users = try tenant.curl("GET", "/_admin/users", headers: [tenant.adminAuth])
        #expect(users.status == 200 && users.body.contains("alice@contoso.com"))
        let ca = try tenant.curl("GET", "/_admin/tls/ca-cert", headers: [tenant.adminAuth])
        #expect(ca.status == 200)
        #expect(ca.body == (try String(contentsOfFile: tenant.caFile, encoding: .utf8)), "admin API and CLI agree")
        #expect(ca.body.hasPrefix("-----BEGIN CERTIFICATE-----"))

        // The same answers over plain HTTP, from the same process.
        let plain = try TLSClients.curl(
            "http://127.0.0.1:\(tenant.service.port)" + Self.phones, caFile: nil, headers: [tenant.graphAuth])
        #expect(plain.status == 200 && plain.body == listed.body)
    }

    @Test func onlyTLS12And13AreSpokenWithTheNamesAskedFor() throws {
        let tenant = try Tenant(arguments: [
            "--tls-hostname", "phone-service.test", "--tls-hostname", "192.0.2.10", "--tls-hostname", "2001:db8::7",
        ])
        for (option, version) in [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")] {
            let shown = try TLSClients.sClient(port: tenant.tlsPort, caFile: tenant.caFile, [option, "-brief"])
            #expect(shown.status == 0, "\(option): \(shown.output)")
            #expect(shown.output.contains("Protocol version: \(version)"), "\(shown.output)")
            #expect(shown.output.contains("Verification: OK"), "\(shown.output)")
        }
        // The client is allowed the old versions (security level 0), so a refusal is the server's.
        for option in ["-tls1", "-tls1_1"] {
            let shown = try TLSClients.sClient(
                port: tenant.tlsPort, caFile: tenant.caFile, [option, "-cipher", "DEFAULT@SECLEVEL=0", "-brief"])
            #expect(shown.status != 0, "\(option) was accepted: \(shown.output)")
            #expect(!shown.output.contains("no protocols available"), "the client never offered \(option)")
            // GnuTLS ends the handshake (with an alert, or by closing) instead of answering.
            #expect(!shown.output.contains("CONNECTION ESTABLISHED"), "\(option): \(shown.output)")
        }
        let names = Set(try TLSClients.presentedNames(port: tenant.tlsPort, caFile: tenant.caFile))
        #expect(
            names == [
                "DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1", "DNS:phone-service.test",
                "IP Address:192.0.2.10", "IP Address:2001:DB8:0:0:0:0:0:7",
            ])
        // A client that reaches it by one of those names trusts it.
        let byName = try TLSClients.curl(
            "https://phone-service.test:\(tenant.tlsPort)/healthz", caFile: tenant.caFile,
            extra: ["--resolve", "phone-service.test:\(tenant.tlsPort):127.0.0.1"])
        #expect(byName.status == 200, "\(byName.stderr)")
    }

    @Test func aClientThatDoesNotTrustTheCAIsRefused() throws {
        let tenant = try Tenant()
        let untrusting = try TLSClients.curl(tenant.https + "/healthz", caFile: nil)
        #expect(untrusting.exitCode == 60, "curl trusting the system's CAs only: \(untrusting.stderr)")
        // Another tenant's CA does not do either.
        let other = try TemporaryDirectory()
        let otherCA = try runPhoneService(["tls", "ca-cert", "--db", other.path("other.db")])
        try otherCA.stdout.write(toFile: other.path("ca.pem"), atomically: true, encoding: .utf8)
        #expect(otherCA.stdout != (try String(contentsOfFile: tenant.caFile, encoding: .utf8)))
        let wrongCA = try tenant.curl("GET", "/healthz", caFile: other.path("ca.pem"))
        #expect(wrongCA.exitCode == 60, "curl trusting another tenant's CA: \(wrongCA.stderr)")
        // A name the certificate does not carry.
        let wrongName = try TLSClients.curl(
            "https://elsewhere.test:\(tenant.tlsPort)/healthz", caFile: tenant.caFile,
            extra: ["--resolve", "elsewhere.test:\(tenant.tlsPort):127.0.0.1"])
        #expect(wrongName.exitCode == 60, "a name outside the certificate: \(wrongName.stderr)")
        // And the trusting client is still served.
        #expect(try tenant.curl("GET", "/healthz").status == 200)
    }

    @Test func theCertificateSurvivesRestartResetAndSnapshotRestore() throws {
        let tenant = try Tenant()
        let ca = try String(contentsOfFile: tenant.caFile, encoding: .utf8)
        let presented = try TLSClients.presentedFingerprint(port: tenant.tlsPort, caFile: tenant.caFile)
        #expect(presented.contains("Fingerprint="), "\(presented)")
        func caNow(_ port: Int) throws -> String {
            try TLSClients.curl(
                "https://localhost:\(port)/_admin/tls/ca-cert", caFile: tenant.caFile, headers: [tenant.adminAuth]
            ).body
        }

        let json = ("Content-Type", "application/json")
        #expect(
            try tenant.curl("POST", "/_admin/snapshots", headers: [tenant.adminAuth, json], body: #"{"name":"a"}"#)
                .status == 201)
        #expect(try tenant.curl("POST", "/_admin/reset", headers: [tenant.adminAuth]).status == 204)
        #expect(try caNow(tenant.tlsPort) == ca, "reset keeps the CA")
        #expect(try tenant.curl("POST", "/_admin/snapshots/a/restore", headers: [tenant.adminAuth]).status == 204)
        #expect(try caNow(tenant.tlsPort) == ca, "a snapshot restore keeps the CA")
        #expect(try TLSClients.presentedFingerprint(port: tenant.tlsPort, caFile: tenant.caFile) == presented)

        tenant.service.signal(SIGTERM)
        #expect(tenant.service.waitForExit()?.status == 0)
        let again = try ServiceProcess(databasePath: tenant.db, arguments: ["--tls-listen", "127.0.0.1:0"])
        let port = try again.tlsPort()
        #expect(try caNow(port) == ca, "a restart keeps the CA")
        #expect(
            try TLSClients.presentedFingerprint(port: port, caFile: tenant.caFile) == presented,
            "and the server certificate, whose names did not change")
        #expect(again.log.contains("source=kept"))
        again.signal(SIGTERM)
        #expect(again.waitForExit()?.status == 0)

        // A new name: a new server certificate from the same CA.
        let renamed = try ServiceProcess(
            databasePath: tenant.db, arguments: ["--tls-listen", "127.0.0.1:0", "--tls-hostname", "renamed.test"])
        let renamedPort = try renamed.tlsPort()
        #expect(try caNow(renamedPort) == ca)
        #expect(try TLSClients.presentedFingerprint(port: renamedPort, caFile: tenant.caFile) != presented)
        #expect(try TLSClients.presentedNames(port: renamedPort, caFile: tenant.caFile).contains("DNS:renamed.test"))
        #expect(renamed.log.contains("source=issued"))
    }

    @Test func theTLSFilesAreOwnerOnly() throws {
        let tenant = try Tenant()
        let directory = TLSDirectory.path(forDatabase: tenant.db)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        for name in [TLSDirectory.caCertificate, TLSDirectory.caKey, TLSDirectory.serverCertificate] {
            let file = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            #expect((file[.posixPermissions] as? Int) == 0o600, "\(name)")
        }
    }
}
