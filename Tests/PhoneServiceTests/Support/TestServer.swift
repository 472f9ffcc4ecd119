import Foundation
import Logging

@testable import PhoneService
@testable import PhoneStore

/// A real phone-service in the test process: a fresh SQLite file, the application, and
/// libmicrohttpd listening on 127.0.0.1 with a port the kernel picked.
final class TestServer {
    let directory: URL
    let store: PhoneStore
    let server: HTTPServer
    let application: Application
    var port: Int { server.socket.port }
    var databasePath: String { store.path }

    /// `journal`: the request journal's settings (tests that count commits turn it off: a refused
    /// request's row is written by a timer, whenever the machine gets to it).
    init(limits: HTTPServer.Limits = HTTPServer.Limits(), journal: JournalSettings = JournalSettings()) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "phone-service-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PhoneStore(path: directory.appending(path: "state.db").path, journal: journal)
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let application = Application(store: store, logger: logger)
        self.application = application
        server = HTTPServer(
            socket: try ListenSocket.bind("127.0.0.1:0"), limits: limits,
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
        TokenIssuer(tenant: store.tenant).delegated(user: user, scopes: scopes)
    }

    /// An application token with `roles`.
    func appToken(roles: [String]) -> String {
        TokenIssuer(tenant: store.tenant).application(roles: roles)
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
