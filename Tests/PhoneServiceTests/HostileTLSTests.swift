import Foundation
import TestSupport
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Hostile clients on the HTTPS port: plain HTTP, handshakes that never finish, a flood of
/// handshakes, garbage records, renegotiation. Each is closed (or answered) without hurting a
/// well-behaved client, which is served meanwhile and afterwards; none crashes or hangs the server.
@Suite struct HostileTLSTests {
    /// The start of a TLS handshake record (type 22, version 3.1) announcing 512 bytes, of which
    /// only a few come.
    static let partialHandshake: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]

    @Test func plainHTTPSentToTheHTTPSPortIsClosed() throws {
        let fixture = try HostileFixture(limits: HostileFixture.limits(timeoutSeconds: 10), tls: true)
        let client = try RawHTTPClient(port: fixture.port, timeoutSeconds: 5)
        let started = Date()
        try client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(client.isClosedByServer(), "plain HTTP on the HTTPS port left the connection open")
        #expect(Date().timeIntervalSince(started) < 5, "closed at once, not at the idle timeout")
        fixture.expectServedOverHTTPS("after plain HTTP on the HTTPS port")
    }

    @Test func handshakesThatNeverFinishAreClosedAtTheTimeout() throws {
        let timeout = 2
        let fixture = try HostileFixture(limits: HostileFixture.limits(perIP: 100, timeoutSeconds: timeout), tls: true)
        let stalled = try (0..<20).map { _ in try RawHTTPClient(port: fixture.port, timeoutSeconds: timeout + 5) }
        for (index, client) in stalled.enumerated() where index % 2 == 0 { try client.send(Self.partialHandshake) }
        fixture.expectServedOverHTTPS(timeoutSeconds: timeout, "while handshakes hang")
        for (index, client) in stalled.enumerated() {
            #expect(client.isClosedByServer(), "stalled handshake \(index) is still open")
        }
        fixture.expectServedOverHTTPS("after the stalled handshakes")
    }

    @Test func aFloodOfHandshakesLeavesRoomForOthers() throws {
        let perIP = 30
        let fixture = try HostileFixture(
            limits: HostileFixture.limits(connections: 200, perIP: perIP, timeoutSeconds: 3), tls: true)
        // Full handshakes, as fast as one client can make them, for 3 seconds...
        let flood = try ChildProcess(
            executable: "/usr/bin/openssl",
            arguments: ["s_time", "-connect", "127.0.0.1:\(fixture.port)", "-new", "-time", "3"])
        // ... and half ones from the same address, past its limit.
        let stalled = (0..<(2 * perIP)).compactMap { _ in try? RawHTTPClient(port: fixture.port, timeoutSeconds: 8) }
        for client in stalled { try? client.send(Self.partialHandshake) }
        fixture.expectServedOverHTTPS(from: "127.0.0.2", "another address during the flood")
        flood.waitUntilExit()
        #expect(flood.terminationReason == .exit)
        for (index, client) in stalled.enumerated() {
            #expect(client.isClosedByServer(), "flooding connection \(index) is still open")
        }
        fixture.expectServedOverHTTPS("the flooding address, once its connections are gone")
    }

    @Test func garbageRecordsAreClosed() throws {
        let fixture = try HostileFixture(limits: HostileFixture.limits(timeoutSeconds: 10), tls: true)
        var random = SystemRandomNumberGenerator()
        let garbage: [(String, [UInt8])] = [
            ("random bytes", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }),
            (
                "application data before the handshake",
                [0x17, 0x03, 0x03, 0x00, 0x10] + Array(repeating: 0x41, count: 16)
            ),
            ("a record longer than TLS allows", [0x16, 0x03, 0x03, 0xff, 0xff] + Array(repeating: 0, count: 1024)),
            ("an alert out of nowhere", [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]),
            ("a handshake record of the wrong type", [0x16, 0x03, 0x03, 0x00, 0x04, 0x0f, 0x00, 0x00, 0x00]),
        ]
        for (name, bytes) in garbage {
            // Longer than the server's connection timeout: random bytes can announce a record
            // longer than what was sent, and GnuTLS then waits for the rest until that timeout.
            let client = try RawHTTPClient(port: fixture.port, timeoutSeconds: 15)
            try? client.send(bytes)
            #expect(client.isClosedByServer(), "\(name): the connection is still open")
        }
        fixture.expectServedOverHTTPS("after the garbage")
    }

    @Test func aClientThatRenegotiatesDoesNotHurtOthers() throws {
        let fixture = try HostileFixture(limits: HostileFixture.limits(timeoutSeconds: 5), tls: true)
        let caFile = try #require(fixture.server.caFile)
        // s_client's "R" command asks for a renegotiation (TLS 1.2 only: 1.3 has none).
        let script =
            "(printf 'R\\n'; sleep 1; printf 'R\\n'; sleep 1) | /usr/bin/openssl s_client -connect 127.0.0.1:\(fixture.port)"
            + " -tls1_2 -CAfile \(caFile)"
        let result = try ChildProcess.run("/bin/sh", ["-c", script], timeout: .seconds(20))
        #expect(result.stdout.contains("TLSv1.2"), "\(result.stdout) \(result.stderr)")
        #expect((result.stdout + result.stderr).contains("RENEGOTIATING"), "the client asked: \(result.stderr)")
        fixture.expectServedOverHTTPS("after a renegotiation attempt")
    }
}
