import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The HTTP limits (64 KiB bodies, 16 KiB of headers) and bytes on the wire that are not the HTTP
/// a client should send: refused with a 4xx, nothing written, the server still serving.
@Suite struct LimitsTests {
    static let limit = 64 * 1024

    /// A valid create body padded with trailing whitespace to exactly `size` bytes.
    static func paddedCreate(size: Int) -> [UInt8] {
        let body = Array(RejectionFixture.validCreate.utf8)
        return body + [UInt8](repeating: UInt8(ascii: " "), count: size - body.count)
    }

    /// Request head bytes for a create on alice's phones, with `extra` headers.
    static func head(_ fixture: RejectionFixture, _ extra: [String]) -> [UInt8] {
        var text = "POST \(RejectionFixture.collection) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        text += "Authorization: Bearer \(fixture.token)\r\nContent-Type: application/json\r\n"
        for line in extra { text += line + "\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// `body` in chunked transfer coding, in pieces of `size` bytes.
    static func chunked(_ body: [UInt8], size: Int = 8192) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let piece = body[offset..<min(offset + size, body.count)]
            out += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + [13, 10]
            offset += piece.count
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    /// After a 413 the connection either answers the next request or has been closed cleanly; a
    /// fresh connection is served either way.
    static func expectStillServing(
        _ fixture: RejectionFixture, after client: RawHTTPClient, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        do {
            let next = try client.request("GET", RejectionFixture.collection, headers: [fixture.authorization])
            #expect(next.status == 200, sourceLocation: sourceLocation)
        } catch RawHTTPClient.Failure.closed {
            // Closed after the 413: allowed.
        }
        let fresh = try fixture.server.client().request(
            "GET", RejectionFixture.collection, headers: [fixture.authorization])
        #expect(fresh.status == 200, sourceLocation: sourceLocation)
    }

    static func expectTooLarge(_ response: RawHTTPClient.Response, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 413, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == "requestEntityTooLarge", sourceLocation: sourceLocation)
        #expect(response.errorMessage?.contains("65536") == true, sourceLocation: sourceLocation)
    }

    @Test func aBodyAtTheLimitIsAccepted() throws {
        let fixture = try RejectionFixture()
        let created = try fixture.server.client().request(
            "POST", RejectionFixture.collection, headers: [fixture.authorization, fixture.json],
            body: Self.paddedCreate(size: Self.limit))
        #expect(created.status == 201, "\(created.text)")
    }

    @Test func aChunkedBodyAtTheLimitIsAccepted() throws {
        let fixture = try RejectionFixture()
        let client = try fixture.server.client()
        try client.send(
            Self.head(fixture, ["Transfer-Encoding: chunked"]) + Self.chunked(Self.paddedCreate(size: Self.limit)))
        let created = try client.readResponse(method: "POST")
        #expect(created.status == 201, "\(created.text)")
    }

    @Test(arguments: [limit + 1, 70_000, 1_000_000])
    func aBodyOverTheLimitDeclaredByContentLengthIs413(_ size: Int) throws {
        let fixture = try RejectionFixture()
        let client = try fixture.server.client()
        // The body may be refused before it is all read, so a failed send is not a failure.
        try? client.send(Self.head(fixture, ["Content-Length: \(size)"]) + Self.paddedCreate(size: size))
        Self.expectTooLarge(try client.readResponse(method: "POST"))
        try Self.expectStillServing(fixture, after: client)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    @Test(arguments: [limit + 1, 200_000])
    func aChunkedBodyOverTheLimitIs413(_ size: Int) throws {
        let fixture = try RejectionFixture()
        let client = try fixture.server.client()
        try? client.send(
            Self.head(fixture, ["Transfer-Encoding: chunked"]) + Self.chunked(Self.paddedCreate(size: size)))
        Self.expectTooLarge(try client.readResponse(method: "POST"))
        try Self.expectStillServing(fixture, after: client)
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    /// A client that declares a huge body and waits (as `Expect: 100-continue` clients do) gets its
    /// 413 at once, without the server waiting for, or reading, a gigabyte.
    @Test(arguments: [[String](), ["Expect: 100-continue"]])
    func aHugeDeclaredBodyIsRefusedWithoutWaitingForIt(_ extra: [String]) throws {
        let fixture = try RejectionFixture()
        let client = try RawHTTPClient(port: fixture.server.port, timeoutSeconds: 5)
        let started = ContinuousClock.now
        try client.send(Self.head(fixture, ["Content-Length: 1073741824"] + extra))
        let refused = try client.readResponse(method: "POST")
        Self.expectTooLarge(refused)
        #expect(ContinuousClock.now - started < .seconds(3))
        // The unread body cannot be skipped, so the connection must end after the 413.
        #expect(client.isClosedByServer())
        try Self.expectStillServing(fixture, after: try fixture.server.client())
    }

    @Test func twentyKilobytesOfHeadersIs431() throws {
        let fixture = try RejectionFixture()
        try fixture.expectRejected(
            "POST",
            headers: [fixture.authorization, fixture.json, ("X-Padding", String(repeating: "a", count: 20_000))],
            json: RejectionFixture.validCreate, status: 431, code: "requestHeaderFieldsTooLarge",
            messageContains: ["16384"])
    }

    @Test func manySmallHeadersOverTheLimitAre431() throws {
        let fixture = try RejectionFixture()
        let padding = (0..<200).map { ("X-Padding-\($0)", String(repeating: "b", count: 100)) }
        try fixture.expectRejected(
            "POST", headers: [fixture.authorization, fixture.json] + padding, json: RejectionFixture.validCreate,
            status: 431, code: "requestHeaderFieldsTooLarge")
    }

    @Test func headersJustUnderTheLimitAreAccepted() throws {
        let fixture = try RejectionFixture()
        let created = try fixture.server.client().request(
            "POST", RejectionFixture.collection,
            headers: [fixture.authorization, fixture.json, ("X-Padding", String(repeating: "c", count: 12_000))],
            body: Array(RejectionFixture.validCreate.utf8))
        #expect(created.status == 201, "\(created.text)")
    }

    /// Headers beyond libmicrohttpd's per-connection memory are refused by libmicrohttpd itself:
    /// still a 4xx, and the server keeps serving.
    @Test func headersBeyondTheConnectionMemoryAreRefused() throws {
        let fixture = try RejectionFixture()
        let client = try fixture.server.client()
        try? client.send(Self.head(fixture, ["X-Padding: " + String(repeating: "d", count: 300_000)]))
        if let refused = try? client.readResponse(method: "POST") {
            #expect((400..<500).contains(refused.status), "\(refused.status) \(refused.text)")
        }
        try Self.expectStillServing(fixture, after: try fixture.server.client())
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    /// Refused by libmicrohttpd itself, with a 4xx, or by closing the connection; an HTTP version
    /// it does not speak is the one 5xx allowed: 505 is what HTTP prescribes.
    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400..<500),
        ("POST /v1.0/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400..<500),
        ("POST /v1.0/users HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400..<500),
        ("POST /v1.0/users HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400..<500),
        ("POST /v1.0/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400..<500),
        ("POST /v1.0/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400..<500),
        ("GET /v1.0/users HTTP/1.1\r\nNo colon here\r\n\r\n", 400..<500),
        ("GET /v1.0/users HTTP/9.9\r\n\r\n", 505..<506),
        ("\r\n\r\n\r\n", 400..<500),
        ("GET\r\n\r\n", 400..<500),
    ])
    func malformedHTTPIsRefusedOrClosed(_ bytes: String, _ allowed: Range<Int>) throws {
        let fixture = try RejectionFixture()
        let client = try RawHTTPClient(port: fixture.server.port, timeoutSeconds: 2)
        try? client.send(bytes)
        if let answer = try? client.readResponse() {
            #expect(allowed.contains(answer.status), "\(answer.status) \(answer.text)")
        }
        try Self.expectStillServing(fixture, after: try fixture.server.client())
    }

    @Test func randomBytesDoNotHurtTheServer() throws {
        let fixture = try RejectionFixture()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let client = try RawHTTPClient(port: fixture.server.port, timeoutSeconds: 2)
            try? client.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
            if let answer = try? client.readResponse() {
                #expect(answer.status < 500)
            }
        }
        try Self.expectStillServing(fixture, after: try fixture.server.client())
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    @Test func contentLengthAndChunkedTogetherWriteNothingTwice() throws {
        let fixture = try RejectionFixture()
        let client = try RawHTTPClient(port: fixture.server.port, timeoutSeconds: 5)
        let body = Array(RejectionFixture.validCreate.utf8)
        try? client.send(
            Self.head(fixture, ["Content-Length: 4", "Transfer-Encoding: chunked"]) + Self.chunked(body))
        if let answer = try? client.readResponse(method: "POST") {
            #expect(answer.status < 500, "\(answer.text)")
        }
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).count <= 1)
        try Self.expectStillServing(fixture, after: try fixture.server.client())
    }

    /// A client that goes away in the middle of its body has written nothing.
    @Test func aClientThatDisconnectsMidBodyWritesNothing() throws {
        let fixture = try RejectionFixture()
        do {
            let client = try fixture.server.client()
            let body = Array(RejectionFixture.validCreate.utf8)
            try client.send(Self.head(fixture, ["Content-Length: \(body.count)"]) + body.prefix(20))
        }  // closed here
        do {
            let client = try fixture.server.client()
            try client.send(Self.head(fixture, ["Transfer-Encoding: chunked"]) + Array("10\r\n{\"phoneNum".utf8))
        }
        try Self.expectStillServing(fixture, after: try fixture.server.client())
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).isEmpty)
    }

    /// Two requests sent back to back on one connection are answered in order.
    @Test func pipelinedCreatesAreAnsweredInOrder() throws {
        let fixture = try RejectionFixture()
        let client = try fixture.server.client()
        let body = Array(RejectionFixture.validCreate.utf8)
        let one = RawHTTPClient.encode(
            "POST", RejectionFixture.collection, headers: [fixture.authorization, fixture.json], body: body)
        try client.send(one + one)
        let first = try client.readResponse(method: "POST")
        let second = try client.readResponse(method: "POST")
        #expect(first.status == 201)
        #expect(second.status == 409)
        #expect(second.errorCode == "conflict")
        #expect(try fixture.server.store.phoneMethods(userID: fixture.alice.id).count == 1)
    }
}
