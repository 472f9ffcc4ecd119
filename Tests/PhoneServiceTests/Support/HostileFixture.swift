import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// A server with small limits for hostile-client tests, one user (alice) and an administrator's
/// token, and the check every such test makes: a well-behaved client is still served.
final class HostileFixture {
    static let collection = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
    static let validCreate = #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#

    let server: TestServer
    let alice: User
    let token: String

    /// `tls`: the server speaks HTTPS (a certificate from the tenant's CA).
    init(limits: HTTPServer.Limits = HTTPServer.Limits(), tls: Bool = false) throws {
        server = try TestServer(limits: limits, tls: tls)
        let admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        alice = try server.addUser("alice@contoso.com")
        token = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
    }

    var port: Int { server.port }
    var authorization: (String, String) { ("Authorization", "Bearer \(token)") }
    var json: (String, String) { ("Content-Type", "application/json") }
    /// What another thread needs to reach the server.
    var target: HostileTarget { HostileTarget(port: port, token: token) }

    /// Small limits: a few threads and connections, and a short idle timeout.
    static func limits(
        connections: Int = 1000, perIP: Int = 500, timeoutSeconds: Int = 2
    ) -> HTTPServer.Limits {
        var limits = HTTPServer.Limits()
        limits.threads = 2
        limits.maximumConnections = connections
        limits.maximumConnectionsPerIP = perIP
        limits.connectionTimeoutSeconds = timeoutSeconds
        return limits
    }

    /// A list request with the token on a new connection from `source`.
    func list(from source: String? = nil, timeoutSeconds: Int = 10) throws -> RawHTTPClient.Response {
        try target.list(from: source, timeoutSeconds: timeoutSeconds)
    }

    /// A well-behaved client is answered: a list request with the token gets 200.
    func expectServed(
        from source: String? = nil, timeoutSeconds: Int = 10, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let answer = try list(from: source, timeoutSeconds: timeoutSeconds)
            #expect(answer.status == 200, comment ?? "\(answer.text)", sourceLocation: sourceLocation)
        } catch {
            Issue.record(
                "a well-behaved client was not served: \(error) \(comment.map { "(\($0))" } ?? "")",
                sourceLocation: sourceLocation)
        }
    }

    /// Over HTTPS (a `tls` fixture): a list request with curl, trusting the tenant's CA, from
    /// `source`, gets 200.
    func expectServedOverHTTPS(
        from source: String? = nil, timeoutSeconds: Int = 10, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let answer = try TLSClients.curl(
                "https://localhost:\(port)\(Self.collection)", caFile: server.caFile, headers: [authorization],
                extra: source.map { ["--interface", $0] } ?? [], timeoutSeconds: timeoutSeconds)
            #expect(
                answer.status == 200, comment ?? "\(answer.exitCode) \(answer.stderr)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("curl did not run: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Alice's phone methods: hostile requests must have written none.
    func aliceMethods() throws -> [PhoneMethod] { try server.store.phoneMethods(userID: alice.id) }

    /// Polls `condition` until it holds or `seconds` pass; true when it held. For waiting on the
    /// server without sleeping for a guessed time.
    static func eventually(within seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if try condition() { return true }
            guard Date() < deadline else { return false }
            usleep(20_000)
        }
    }

    /// A request head for a create on alice's phones, with `extra` header lines.
    func createHead(_ extra: [String]) -> [UInt8] {
        var text = "POST \(Self.collection) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        text += "Authorization: Bearer \(token)\r\nContent-Type: application/json\r\n"
        for line in extra { text += line + "\r\n" }
        return Array((text + "\r\n").utf8)
    }
}

/// The server's port and the administrator's token: what a thread of a hostile test needs, and
/// `Sendable`, unlike the fixture.
struct HostileTarget: Sendable {
    let port: Int
    let token: String

    var authorization: (String, String) { ("Authorization", "Bearer \(token)") }
    var json: (String, String) { ("Content-Type", "application/json") }

    /// A list request with the token on a new connection from `source`.
    func list(from source: String? = nil, timeoutSeconds: Int = 10) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port, source: source, timeoutSeconds: timeoutSeconds)
        return try client.request("GET", HostileFixture.collection, headers: [authorization])
    }
}
