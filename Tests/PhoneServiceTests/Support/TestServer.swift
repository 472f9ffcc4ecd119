import Foundation
import Logging

@testable import PhoneService
@testable import PhoneStore

/// A real phone-service in the test process: a fresh SQLite file, the application, and
/// libmicrohttpd listening on 127.0.0.1 with a port the kernel picked; over HTTPS with `tls`, with
/// a server certificate from the tenant's own CA (`caFile` is its certificate, for clients).
final class TestServer {
    let directory: URL
    let store: PhoneStore
    let server: HTTPServer
    let application: Application
    var port: Int { server.socket.port }
    var databasePath: String { store.path }
    /// The tenant CA's certificate file, when serving HTTPS.
    let caFile: String?

    /// `journal`: the request journal's settings (tests that count commits turn it off: a refused
    /// request's row is written by a timer, whenever the machine gets to it).
    init(
        limits: HTTPServer.Limits = HTTPServer.Limits(), tls: Bool = false,
        journal: JournalSettings = JournalSettings()
    ) throws {
        _ = TestKeys.install
        directory = FileManager.default.temporaryDirectory.appending(path: "phone-service-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PhoneStore(path: directory.appending(path: "state.db").path, journal: journal)
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        var identity: HTTPServer.TLS?
        if tls {
            let authority = try TenantCertificateAuthority.loadOrCreate(
                databasePath: store.path, tenantID: store.tenant.id)
            identity = try authority.serverIdentity(hostnames: []).identity.tls
            caFile = authority.store.file(TLSDirectory.caCertificate)
        } else {
            caFile = nil
        }
        let application = try Application(store: store, logger: logger)
        self.application = application
        server = HTTPServer(
            socket: try ListenSocket.bind("127.0.0.1:0"), limits: limits, tls: identity,
            handler: { application.handle($0, respond: $1) },
            tooLarge: application.tooLarge)
        try server.start()
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// Adds a user and returns it.
    @discardableResult
    func addUser(_ upn: String, roles: [DirectoryRole] = []) throws -> User {
        try store.addUser(userPrincipalName: upn, roles: roles)
    }

    /// A delegated token for `user` with `scopes`.
    func token(for user: User, scopes: [String]) -> String {
        // Signing cannot fail with a key the store made; "" would fail the test at its first request.
        (try? TokenIssuer(store: store).delegated(user: user, scopes: scopes)) ?? ""
    }

    /// An application token with `roles`.
    func appToken(roles: [String]) -> String {
        (try? TokenIssuer(store: store).application(roles: roles)) ?? ""
    }

    /// Sends one request on a new connection with a bearer token and, for a body, JSON.
    func send(
        _ method: String, _ path: String, token: String?, json: String? = nil, headers: [(String, String)] = []
    ) throws -> RawHTTPClient.Response {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        if json != nil && !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            all.append(("Content-Type", "application/json"))
        }
        return try client().request(method, path, headers: all, body: json.map { Array($0.utf8) })
    }
}

/// The built `phone-service` executable, beside the test bundle.
func phoneServiceExecutable() -> URL {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundle, bundle.deletingLastPathComponent()] {
        let url = candidate.appending(path: "phone-service")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: ".build/debug/phone-service")
}
