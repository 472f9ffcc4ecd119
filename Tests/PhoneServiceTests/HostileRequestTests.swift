import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Requests no real client sends: a megabyte of headers, a Content-Length that lies, many
/// requests in one write, and a burst of random bytes. Each is refused or answered without a
/// crash or a 5xx, and a well-behaved client is served meanwhile.
@Suite struct HostileRequestTests {
    /// A megabyte in one header, in many headers, or in the request line: refused with a 4xx or by
    /// closing the connection, while other clients are served.
    @Test(arguments: ["one header", "many headers", "request line"])
    func aMegabyteOfHead(_ shape: String) throws {
        let fixture = try HostileFixture()
        let megabyte = 1 << 20
        var head =
            "GET \(HostileFixture.collection) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(fixture.token)\r\n"
        switch shape {
        case "one header":
            head += "X-Padding: " + String(repeating: "p", count: megabyte) + "\r\n"
        case "many headers":
            for index in 0..<(megabyte / 64) {
                head += "X-Padding-\(index): " + String(repeating: "p", count: 48) + "\r\n"
            }
        default:
            head = "GET /v1.0/users/" + String(repeating: "u", count: megabyte) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        }
        let bytes = Array((head + "\r\n").utf8)

        // The megabyte and a well-behaved request at the same moment, from two threads.
        let target = fixture.target
        let outcomes = try concurrently(2) { index -> Int in
            if index == 1 { return try target.list().status }
            let client = try RawHTTPClient(port: target.port, timeoutSeconds: 10)
            // The server may close the connection before it has read everything: a failed send,
            // no answer, and a 4xx answer are the allowed outcomes.
            try? client.send(bytes)
            let status = (try? client.readResponse())?.status ?? 0
            return client.isClosedByServer() ? status : -1
        }
        let refusal = try outcomes[0].get()
        #expect(refusal != -1, "the connection was left open")
        #expect(refusal == 0 || (400..<500).contains(refusal), "answered \(refusal)")
        #expect(try outcomes[1].get() == 200, "a well-behaved client was not served meanwhile")
        fixture.expectServed("after a megabyte of head")
    }

    /// A Content-Length shorter than the body: the body ends where the length says, and the rest
    /// is read as the next request. Here the rest is a request line that is not HTTP: a 4xx or a
    /// closed connection, and nothing written.
    @Test func aContentLengthShorterThanTheBodyLeavesGarbage() throws {
        let fixture = try HostileFixture()
        let body = Array(HostileFixture.validCreate.utf8)
        let client = try RawHTTPClient(port: fixture.port, timeoutSeconds: 5)
        try client.send(fixture.createHead(["Content-Length: 10"]) + body)
        let first = try client.readResponse(method: "POST")
        #expect(first.status == 400 && first.errorCode == "badRequest", "\(first.text)")
        if let second = try? client.readResponse() {
            #expect((400..<500).contains(second.status), "\(second.status) \(second.text)")
        }
        #expect(try fixture.aliceMethods().isEmpty)
        fixture.expectServed()
    }

    /// A Content-Length shorter than the body, where the rest is a whole request (smuggled): it is
    /// answered as a request of its own, with nothing of the first request's authorization.
    @Test func aSmuggledRequestIsJudgedOnItsOwn() throws {
        let fixture = try HostileFixture()
        let smuggled =
            "POST \(HostileFixture.collection) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(HostileFixture.validCreate.utf8.count)\r\n\r\n"
            + HostileFixture.validCreate
        let body = Array(("{}" + smuggled).utf8)
        let client = try RawHTTPClient(port: fixture.port, timeoutSeconds: 5)
        try client.send(fixture.createHead(["Content-Length: 2"]) + body)
        let first = try client.readResponse(method: "POST")
        #expect(first.status == 400, "\(first.text)")
        let second = try client.readResponse(method: "POST")
        #expect(second.status == 401 && second.errorCode == "InvalidAuthenticationToken", "\(second.text)")
        #expect(try fixture.aliceMethods().isEmpty)
        fixture.expectServed()
    }

    /// Many requests in one write are answered in order, each as if sent alone: the statuses come
    /// back in sequence and each answer carries its own request's client-request-id.
    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let fixture = try HostileFixture()
        let auth = fixture.authorization
        let json = fixture.json
        let collection = HostileFixture.collection
        let mobile = collection + "/" + PhoneType.mobile.methodID
        let create = Array(HostileFixture.validCreate.utf8)
        let requests: [(method: String, path: String, headers: [(String, String)], body: [UInt8]?, status: Int)] = [
            ("GET", collection, [auth], nil, 200),
            ("POST", collection, [auth, json], create, 201),
            ("GET", mobile, [auth], nil, 200),
            ("POST", collection, [auth, json], create, 409),
            ("GET", "/v1.0/users/nobody%40contoso.com/authentication/phoneMethods", [auth], nil, 404),
            ("GET", "/v2.0/users", [auth], nil, 400),
            ("PATCH", mobile, [auth, json], Array(#"{"phoneNumber":"+1 2065550100"}"#.utf8), 204),
            ("DELETE", collection + "/" + PhoneType.office.methodID, [auth], nil, 404),
            ("GET", collection, [], nil, 401),
            ("POST", collection, [auth, json], Array(#"{"phoneNumber":"#.utf8), 400),
            ("GET", "/healthz", [], nil, 200),
            ("DELETE", mobile, [auth], nil, 204),
            ("GET", collection, [auth], nil, 200),
        ]
        var bytes: [UInt8] = []
        for (index, request) in requests.enumerated() {
            bytes += RawHTTPClient.encode(
                request.method, request.path, headers: request.headers + [("client-request-id", "pipelined-\(index)")],
                body: request.body)
        }
        let client = try RawHTTPClient(port: fixture.port)
        try client.send(bytes)
        for (index, request) in requests.enumerated() {
            let answer = try client.readResponse(method: request.method)
            #expect(answer.status == request.status, "\(index): \(request.method) \(request.path): \(answer.text)")
            #expect(answer.headers["client-request-id"] == "pipelined-\(index)", "answer \(index) is out of order")
        }
        #expect(try fixture.aliceMethods().isEmpty)
    }

    /// A burst of 10,000 requests made of random bytes, from four clients at once: in bounded time,
    /// no 5xx to anything that parses as HTTP/1.x, and a well-behaved client served throughout.
    @Test func aBurstOfRandomRequests() throws {
        let fixture = try HostileFixture(limits: HostileFixture.limits(timeoutSeconds: 1))
        let started = Date()
        let senders = 4
        let perSender = 2_500
        let target = fixture.target
        let outcomes = try concurrently(senders + 1, timeout: .seconds(150)) { sender -> BurstResult in
            guard sender < senders else {
                // The well-behaved client, throughout the burst.
                var result = BurstResult()
                for _ in 0..<20 {
                    let answer = try? target.list(timeoutSeconds: 10)
                    if answer?.status != 200 { result.failures.append("well-behaved client: \(answer?.status ?? 0)") }
                }
                return result
            }
            var generator = SplitMix64(state: 0x5EED_0000 + UInt64(sender))
            return try RandomRequests.send(perSender, to: target, using: &generator)
        }
        var results = BurstResult()
        for outcome in outcomes { results.merge(try outcome.get()) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(results.sent == senders * perSender)
        #expect(results.failures.isEmpty, "\(results.failures.prefix(20))")
        #expect(results.answered > perSender, "too few answers: \(results.answered)")
        #expect(elapsed < 120, "the burst took \(elapsed) s")
        fixture.expectServed("after the burst")
    }
}

/// What one sender of the burst saw.
struct BurstResult: Sendable {
    var sent = 0
    var answered = 0
    var failures: [String] = []

    mutating func merge(_ other: BurstResult) {
        sent += other.sent
        answered += other.answered
        failures += other.failures
    }
}

/// Random requests for the burst: a third are well-framed requests with random paths, headers and
/// bodies on a keep-alive connection; the rest are well-formed requests with random bytes changed,
/// inserted or removed, or bytes that are random from the start, each on a connection of its own
/// that is half-closed after the request so the server never waits for more.
enum RandomRequests {
    static let segments = [
        "v1.0", "beta", "users", "me", "alice%40contoso.com", "authentication", "phoneMethods", "methods",
        PhoneType.mobile.methodID, "enableSmsSignIn", "policies", "authenticationMethodsPolicy", "%00", "%zz", "..",
        "", "x",
    ]
    static let methods = ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "BREW"]

    static func send(_ count: Int, to fixture: HostileTarget, using generator: inout SplitMix64) throws -> BurstResult {
        var result = BurstResult()
        var keepAlive: RawHTTPClient?
        var batch: [(client: RawHTTPClient, bytes: [UInt8])] = []
        for _ in 0..<count {
            result.sent += 1
            let kind = Int.random(in: 0..<3, using: &generator)
            if kind == 0 {
                let (method, bytes) = framed(fixture, using: &generator)
                let client = try keepAlive ?? RawHTTPClient(port: fixture.port, timeoutSeconds: 10)
                do {
                    try client.send(bytes)
                    let answer = try client.readResponse(method: method)
                    result.answered += 1
                    check(answer, to: bytes, into: &result)
                    keepAlive = answer.headers["connection"]?.lowercased() == "close" ? nil : client
                } catch {
                    keepAlive = nil  // closed by the server after a refusal: allowed
                }
            } else {
                // Sent on a connection of its own and half-closed. libmicrohttpd closes such a
                // connection only at its idle timeout when the request is incomplete (or after
                // answering a complete one), so the answers are read a batch at a time: the batch
                // waits for one timeout, not one per request.
                let bytes = kind == 1 ? mutated(fixture, using: &generator) : noise(using: &generator)
                let client = try RawHTTPClient(port: fixture.port, timeoutSeconds: 10)
                try? client.send(bytes)
                client.finishSending()
                batch.append((client, bytes))
            }
            if batch.count == 100 { drain(&batch, into: &result) }
        }
        drain(&batch, into: &result)
        return result
    }

    /// Reads every answer of a batch of half-closed connections, until each is closed.
    static func drain(_ batch: inout [(client: RawHTTPClient, bytes: [UInt8])], into result: inout BurstResult) {
        for (client, bytes) in batch {
            while let answer = try? client.readResponse() {
                result.answered += 1
                check(answer, to: bytes, into: &result)
            }
        }
        batch.removeAll()
    }

    /// No 5xx, except 505 for a request line whose HTTP version was mangled.
    static func check(_ answer: RawHTTPClient.Response, to bytes: [UInt8], into result: inout BurstResult) {
        guard answer.status >= 500, !(answer.status == 505 && !versionIsIntact(bytes)) else { return }
        result.failures.append(
            "\(answer.status) for \(String(decoding: bytes.prefix(160), as: UTF8.self).debugDescription)")
    }

    /// The first line still ends in " HTTP/1.0" or " HTTP/1.1".
    static func versionIsIntact(_ bytes: [UInt8]) -> Bool {
        guard let end = bytes.firstIndex(of: 13) ?? bytes.firstIndex(of: 10) else { return false }
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        return line.hasSuffix(" HTTP/1.1") || line.hasSuffix(" HTTP/1.0")
    }

    static func randomBytes(_ count: Int, using generator: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A well-framed request: random method, path, query, headers and body, correct Content-Length.
    static func framed(_ fixture: HostileTarget, using generator: inout SplitMix64) -> (String, [UInt8]) {
        let method = methods.randomElement(using: &generator) ?? "GET"
        var path = ""
        for _ in 0..<Int.random(in: 1...7, using: &generator) {
            path += "/" + (segments.randomElement(using: &generator) ?? "")
        }
        if Bool.random(using: &generator) {
            let hex = randomBytes(Int.random(in: 1...12, using: &generator), using: &generator)
            path += "/" + hex.map { "%" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        }
        if Bool.random(using: &generator) {
            path +=
                ["?$select=id,phoneNumber", "?$filter=phoneType%20eq%20'office'", "?$top=1", "?%ff=%00"]
                .randomElement(using: &generator) ?? ""
        }
        var headers: [(String, String)] = []
        if Int.random(in: 0..<4, using: &generator) > 0 { headers.append(fixture.authorization) }
        if Bool.random(using: &generator) { headers.append(fixture.json) }
        if Bool.random(using: &generator) {
            let value = randomBytes(Int.random(in: 0...64, using: &generator), using: &generator)
                .map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
            headers.append(("X-Random", String(decoding: value, as: UTF8.self)))
        }
        var body: [UInt8]?
        if method != "GET" && method != "HEAD" && Bool.random(using: &generator) {
            body =
                Bool.random(using: &generator)
                ? randomBytes(Int.random(in: 0...256, using: &generator), using: &generator)
                : Array(HostileFixture.validCreate.utf8)
        }
        return (method, RawHTTPClient.encode(method, path, headers: headers, body: body))
    }

    /// A well-formed request with a few random bytes changed, inserted or removed.
    static func mutated(_ fixture: HostileTarget, using generator: inout SplitMix64) -> [UInt8] {
        var bytes = RawHTTPClient.encode(
            "POST", HostileFixture.collection, headers: [fixture.authorization, fixture.json],
            body: Array(HostileFixture.validCreate.utf8))
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            let byte = UInt8.random(in: 0...255, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: bytes.remove(at: position)
            }
        }
        return bytes
    }

    /// Random bytes, sometimes behind a plausible request line.
    static func noise(using generator: inout SplitMix64) -> [UInt8] {
        let prefix = Bool.random(using: &generator) ? Array("GET /v1.0/".utf8) : []
        return prefix + randomBytes(Int.random(in: 1...512, using: &generator), using: &generator)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
