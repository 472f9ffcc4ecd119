import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The `serve` log on stderr: one line per request, found by its request id, and never a token.
@Suite struct ServeLogTests {
    /// The request lines, less those of `ServiceProcess`'s readiness probes (`GET /v1.0/me/…`
    /// without a token; none of the test's requests use `/me`), which are written with the next
    /// batch of request lines, before or after the test's requests.
    static func requestLines(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter {
            $0.hasSuffix(" request") && !$0.contains(" path=/v1.0/me/authentication/phoneMethods ")
        }
    }

    @Test func oneLinePerRequestAndNeverTheToken() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let store = try PhoneStore(path: db, durability: .normal)
        let admin = try store.addUser(userPrincipalName: "admin@contoso.com", roles: [.globalAdministrator])
        try store.addUser(userPrincipalName: "alice@contoso.com")
        let token = try TokenIssuer(store: store).delegated(
            user: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let weak = try TokenIssuer(store: store).delegated(user: admin, scopes: ["User.Read"])
        let forged = HS256.sign(claims: try JWT.decode(token).claims, key: [UInt8](repeating: 1, count: 32))
        let signature = String(token.split(separator: ".")[2])
        let forgedSignature = String(forged.split(separator: ".")[2])

        let service = try ServiceProcess(databasePath: db)
        let collection = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let auth = ("Authorization", "Bearer \(token)")
        let json = ("Content-Type", "application/json")
        let create = Array(#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#.utf8)
        let requests: [(method: String, path: String, headers: [(String, String)], body: [UInt8]?, status: Int)] = [
            ("GET", collection, [auth], nil, 200),
            ("POST", collection, [auth, json], create, 201),
            ("POST", collection, [auth, json], create, 409),
            ("POST", collection, [("Authorization", "Bearer \(forged)"), json], create, 401),
            ("GET", collection, [("Authorization", "bearer \(token)x")], nil, 401),
            ("GET", collection, [], nil, 401),
            ("GET", collection + "?access_token=\(token)", [auth], nil, 200),
            ("GET", "/v1.0/users/a%0Ab%0D%0Ac/authentication/phoneMethods", [auth], nil, 404),
            ("DELETE", collection, [auth], nil, 405),
            ("POST", collection, [auth, json], Array(repeating: 32, count: 70_000), 413),
            ("GET", collection, [auth, ("X-Padding", String(repeating: "p", count: 20_000))], nil, 431),
            ("GET", collection, [auth, ("client-request-id", token)], nil, 200),
            ("GET", collection, [("Authorization", "Bearer \(weak)")], nil, 403),
        ]
        var requestIDs: [String] = []
        let client = try service.client()
        for request in requests {
            let connection = request.status == 413 ? try service.client() : client
            let answer = try connection.request(
                request.method, request.path, headers: request.headers, body: request.body)
            #expect(answer.status == request.status, "\(request.method) \(request.path): \(answer.text)")
            requestIDs.append(try #require(answer.headers["request-id"]))
        }

        service.signal(SIGTERM)
        #expect(service.waitForExit()?.status == 0)
        let log = service.log
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(log.hasSuffix("\n"))
        // Every line is a whole log line: a timestamp, never the tail of a line split by the input.
        for line in lines {
            #expect(line.first?.isNumber == true, "not a log line: \(line)")
        }
        #expect(Self.requestLines(log).count == requests.count)
        for (index, id) in requestIDs.enumerated() {
            let matching = lines.filter { $0.contains("request-id=\(id)") }
            #expect(matching.count == 1, "\(requests[index].method) \(requests[index].path.prefix(80))")
            #expect(matching.first?.contains("status=\(requests[index].status)") == true)
        }
        // Not even a piece of a signature: 12 base64url characters do not turn up by chance.
        for secret in [signature, forgedSignature] {
            for start in stride(from: 0, through: secret.count - 12, by: 4) {
                let piece = secret.dropFirst(start).prefix(12)
                #expect(!log.contains(piece), "the log holds part of a token: \(piece)")
            }
        }
        #expect(!log.contains(token) && !log.contains(forged))
        // The 403's line says what was missing; the others say nothing of the kind.
        let refusals = lines.filter { $0.contains(" refused=") }
        #expect(refusals.count == 1 && refusals.first?.contains("request-id=\(requestIDs.last ?? "")") == true)
        #expect(refusals.first?.contains("needs one of scp ") == true, "\(refusals)")
        #expect(refusals.first?.contains("the token has scp User.Read") == true, "\(refusals)")
    }
}
