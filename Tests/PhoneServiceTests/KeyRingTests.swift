import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The tenant's key set as the verifier sees it: a retired key verifies its tokens for its
/// retention and not after, cached or not; a key made by another process is found.
@Suite struct KeyRingTests {
    let server: TestServer
    let alice: User

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
        alice = try server.addUser("alice@contoso.com")
    }

    @Test func aRetiredKeyVerifiesForItsRetentionOnly() throws {
        let now = Date()
        // A token that outlives the retention, signed by the key that is then retired.
        let token = try TokenIssuer(store: server.store).delegated(
            user: alice, scopes: ["UserAuthenticationMethod.Read"], lifetime: 3 * 86_400, now: now)
        try server.store.perform(.rotateSigningKey(of: server.store))
        let verifier = TokenVerifier(store: server.store)
        let start = now.timeIntervalSince1970
        let retention = Double(SigningKeyRecord.retiredRetentionSeconds)
        #expect(throws: Never.self) { try verifier.principal(authorization: "Bearer \(token)", now: start + 60) }
        // Cached now; the cache still asks whether the key counts.
        #expect(throws: Never.self) {
            try verifier.principal(authorization: "Bearer \(token)", now: start + retention - 60)
        }
        #expect(throws: TokenVerifier.invalid) {
            try verifier.principal(authorization: "Bearer \(token)", now: start + retention + 60)
        }
        // And uncached.
        #expect(throws: TokenVerifier.invalid) {
            try TokenVerifier(store: server.store).principal(
                authorization: "Bearer \(token)", now: start + retention + 60)
        }
    }

    /// The command line makes the service's first key while the service runs with none: the
    /// service reads the keys again for the unknown kid and accepts the token.
    @Test func aKeyMadeByAnotherProcessIsFound() throws {
        #expect(server.store.serviceSigningKeys.isEmpty)
        let other = try PhoneStore(path: server.databasePath)
        let token = try TokenIssuer(store: other).delegated(user: alice, scopes: ["UserAuthenticationMethod.Read"])
        #expect(server.store.serviceSigningKeys.isEmpty, "the serving store has not seen it yet")
        let response = try server.send("GET", "/v1.0/me/authentication/phoneMethods", token: token)
        #expect(response.status == 200, "\(response.text)")
        #expect(server.store.serviceSigningKeys.map(\.kid) == other.serviceSigningKeys.map(\.kid))
        #expect(server.store.tenant.signingKeys.isEmpty, "the tenant signs with the service's key")
    }

    /// Many tenants' keys (and deleted tenants') do not pile up: past its bound the ring parses
    /// again, and still answers each key.
    @Test func parsedKeysStayWithinTheBound() throws {
        let ring = KeyRing(maximumParsed: 2)
        for record in TestKeys.pool + TestKeys.pool {
            #expect(try ring.key(record).kid == record.kid)
            #expect(ring.parsedCount <= 2)
        }
        #expect(TestKeys.pool.count > 2)
    }
}
