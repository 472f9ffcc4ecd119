import Crypto
import Foundation
import Testing
import X509
import _CryptoExtras

@testable import PhoneService
@testable import PhoneStore

/// `/_admin/applications`, passwords and signing keys: what the admin API makes, that credentials are
/// never stored in clear, and how keys rotate.
@Suite struct AppRegistrationAdminTests {
    let fixture: SignInFixture

    init() throws { fixture = try SignInFixture() }

    @Test func applicationsAreCreatedListedReadAndRemoved() throws {
        let created = try fixture.admin(
            "POST", "/applications",
            json: #"{"displayName":"Help desk","appId":"A1B2C3D4-0000-4000-8000-000000000001","isPublicClient":true}"#)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.string("appId") == "a1b2c3d4-0000-4000-8000-000000000001")
        #expect(created.object["isPublicClient"] as? Bool == true)
        #expect(isGUID(created.string("id")))
        let again = try fixture.admin(
            "POST", "/applications", json: #"{"displayName":"Other","appId":"a1b2c3d4-0000-4000-8000-000000000001"}"#)
        #expect(again.status == 409, "\(again.text)")
        #expect(try fixture.admin("POST", "/applications", json: #"{"displayName":""}"#).status == 400)
        #expect(try fixture.admin("POST", "/applications", json: #"{"displayName":"x","appId":"nope"}"#).status == 400)

        let listed = try fixture.admin("GET", "/applications")
        #expect(Set(listed.items.compactMap { $0["displayName"] as? String }) == ["Help desk", "Onboarding"])
        let onboarding = try fixture.admin("GET", "/applications/\(fixture.appID)")
        #expect(onboarding.object["applicationPermissions"] as? [String] == SignInFixture.applicationPermissions)
        let secrets = onboarding.object["passwordCredentials"] as? [[String: Any]] ?? []
        #expect(secrets.count == 1 && secrets.first?["secretText"] == nil, "a secret's text is never shown again")
        #expect(secrets.first?["hint"] as? String == String(fixture.secret.prefix(3)))

        #expect(try fixture.admin("DELETE", "/applications/\(fixture.appID)").status == 204)
        #expect(try fixture.admin("GET", "/applications/\(fixture.appID)").status == 404)
        #expect(try fixture.admin("DELETE", "/applications/\(fixture.appID)").status == 404)
        // Its tokens can no longer be had.
        #expect(try fixture.token(fixture.clientCredentials).errorCodes == [700_016])
    }

    /// The database file (and its WAL) holds neither the secret's text nor the password, and the
    /// rows hold their hashes.
    @Test func secretsAndPasswordsAreNeverStoredInClear() throws {
        let password = "a password made over HTTP"
        let bob = try fixture.admin(
            "POST", "/users", json: #"{"userPrincipalName":"bob@contoso.com","password":"\#(password)"}"#)
        #expect(bob.status == 201, "\(bob.text)")
        let bobID = try #require(bob.string("id"))
        let path = fixture.server.databasePath
        var bytes: [UInt8] = []
        for file in [path, path + "-wal"] {
            if let data = FileManager.default.contents(atPath: file) { bytes += Array(data) }
        }
        #expect(!bytes.isEmpty)
        for clear in [fixture.secret, SignInFixture.password, password] {
            #expect(bytes.firstRange(of: Array(clear.utf8)) == nil, "'\(clear.prefix(3))…' is in the database file")
        }
        let db = try Database(path: path, readOnly: true)
        var secretHash: [UInt8] = []
        try db.query("SELECT secret_hash FROM app_secret") { secretHash = $0.blob(0) }
        #expect(secretHash == Array(SHA256.hash(data: Array(fixture.secret.utf8))))
        var stored: (salt: [UInt8], iterations: Int64, hash: [UInt8])?
        try db.query("SELECT salt, iterations, password_hash FROM user_password WHERE user_id = ?", [.text(bobID)]) {
            stored = ($0.blob(0), $0.int(1), $0.blob(2))
        }
        let row = try #require(stored)
        #expect(row.salt.count == 16 && row.hash.count == 32 && row.iterations == Int64(Secrets.passwordIterations))
        let expected = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: row.salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: Int(row.iterations))
        #expect(expected.withUnsafeBytes { Array($0) } == row.hash)
        // And that password signs Bob in.
        let signIn = try fixture.token(
            fixture.passwordGrant(scope: "User.Read", password: password).map {
                $0.0 == "username" ? ($0.0, "bob@contoso.com") : $0
            })
        #expect(signIn.status == 200, "\(signIn.text)")
    }

    @Test func aRotationKeepsTheOldKeyVerifyingUntilItsTokensExpire() throws {
        let old = try #require(fixture.token(fixture.clientCredentials).string("access_token"))
        let oldKid = try JWT.decode(old).header["kid"]
        #expect(try fixture.admin("POST", "/keys/rotate").status == 204)
        let new = try #require(fixture.token(fixture.clientCredentials).string("access_token"))
        #expect(try JWT.decode(new).header["kid"] != oldKid, "the next token is signed with a new key")
        let keys = try fixture.get("/\(fixture.tenantID)/discovery/v2.0/keys").object["keys"] as? [[String: Any]] ?? []
        #expect(keys.count == 2, "both keys are published")
        #expect(
            keys.first?["kid"] as? String != nil
                && keys.contains { JSONValue.string($0["kid"] as? String ?? "") == oldKid })
        let phones = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        #expect(try fixture.server.send("GET", phones, token: old).status == 200)
        #expect(try fixture.server.send("GET", phones, token: new).status == 200)
    }

    /// A reset ends the tokens issued before it (their `rh` epoch), unless `signingKey` is kept; the
    /// key set stays the service's.
    @Test func aResetEndsTheTokensUnlessTheyAreKept() throws {
        let phones = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
        let token = try #require(fixture.token(fixture.clientCredentials).string("access_token"))
        let kid = try JWT.decode(token).header["kid"]
        #expect(
            try fixture.admin("POST", "/reset", json: #"{"keep":["users","signingKey","applications"]}"#).status == 204)
        #expect(try fixture.server.send("GET", phones, token: token).status == 200)
        #expect(try fixture.token(fixture.clientCredentials).status == 200, "the app and its secret were kept")

        #expect(try fixture.admin("POST", "/reset", json: #"{"keep":["users"]}"#).status == 204)
        #expect(try fixture.server.send("GET", phones, token: token).status == 401)
        #expect(try fixture.token(fixture.clientCredentials).errorCodes == [700_016], "applications go by default")
        let keys = try fixture.get("/\(fixture.tenantID)/discovery/v2.0/keys").object["keys"] as? [[String: Any]] ?? []
        #expect(keys.count == 1)
        #expect(JSONValue.string(keys.first?["kid"] as? String ?? "") == kid, "no new RSA key")
        #expect(try SignInFixture.claims(token)["rh"] != .string(fixture.server.store.tenant.tokenEpoch))
    }

    @Test func aCertificateSignsClientAssertions() throws {
        // A certificate and its key, as `openssl req -x509` would make them.
        let record = try SigningKey.make()
        let key = try SigningKey(record)
        let pem =
            "-----BEGIN CERTIFICATE-----\n"
            + Data(record.certificate).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END CERTIFICATE-----\n"
        let added = try fixture.admin(
            "POST", "/applications/\(fixture.appID)/certificates",
            json:
                #"{"pem":"\#(pem.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: ""))"}"#
        )
        #expect(added.status == 201, "\(added.text)")
        #expect(added.string("x5t") == record.x5t)

        let audience = "\(fixture.base)/\(fixture.tenantID)/oauth2/v2.0/token"
        func assertion(alg: String, thumbprint: (String, String), audience: String, expires: Double) throws -> String {
            let now = Date().timeIntervalSince1970.rounded(.down)
            let header = #"{"alg":"\#(alg)","typ":"JWT","\#(thumbprint.0)":"\#(thumbprint.1)"}"#
            let claims: JSONValue = .object([
                ("aud", .string(audience)), ("iss", .string(fixture.appID)), ("sub", .string(fixture.appID)),
                ("jti", .string(UUID().uuidString)), ("nbf", .number(now - 10)), ("exp", .number(now + expires)),
            ])
            let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(claims.serialized())
            let padding: _RSA.Signing.Padding = alg == "PS256" ? .PSS : .insecurePKCS1v1_5
            let signature = try key.privateKey.signature(for: Array(input.utf8), padding: padding)
            return input + "." + Base64URL.encode(signature.rawRepresentation)
        }
        func send(_ assertion: String) throws -> RawHTTPClient.Response {
            try fixture.token([
                ("grant_type", "client_credentials"), ("client_id", fixture.appID),
                ("client_assertion_type", ClientAuthentication.assertionType), ("client_assertion", assertion),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
        }
        let sha256 = ("x5t#S256", try #require(added.string("x5t#S256")))
        // MSAL Python pads its thumbprints (base64.urlsafe_b64encode); Entra takes them.
        let padded = [("RS256", ("x5t", record.x5t + "=")), ("PS256", (sha256.0, sha256.1 + "="))]
        for (alg, thumbprint) in [("RS256", ("x5t", record.x5t)), ("PS256", sha256)] + padded {
            let good = try send(try assertion(alg: alg, thumbprint: thumbprint, audience: audience, expires: 600))
            #expect(good.status == 200, "\(alg): \(good.text)")
            #expect(try SignInFixture.claims(good.string("access_token") ?? "")["appidacr"] == .string("2"))
        }
        let wrongAudience = try send(
            try assertion(
                alg: "RS256", thumbprint: ("x5t", record.x5t), audience: "https://elsewhere/token", expires: 600))
        #expect(wrongAudience.status == 401 && wrongAudience.errorCodes == [700_027], "\(wrongAudience.text)")
        let expired = try send(
            try assertion(alg: "RS256", thumbprint: ("x5t", record.x5t), audience: audience, expires: -600))
        #expect(expired.status == 401 && expired.errorCodes == [700_024], "\(expired.text)")
        let unknownKey = try send(
            try assertion(alg: "RS256", thumbprint: ("x5t", "AAAA"), audience: audience, expires: 600))
        #expect(unknownKey.status == 401 && unknownKey.errorCodes == [700_027], "\(unknownKey.text)")
    }
}
