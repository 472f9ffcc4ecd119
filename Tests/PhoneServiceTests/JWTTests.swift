import Testing

@testable import PhoneService

@Suite struct Base64URLTests {
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: vectors)
    func encodesAndDecodesRFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(plain.utf8) == encoded)
        #expect(Base64URL.decode(encoded[...]) == Array(plain.utf8))
    }

    @Test func usesTheURLSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test(arguments: ["Zm9vY", "Zm9v=", "Zg==", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", "Zm9vé", "Z", "Zh", "Zm9"])
    func rejectsNonCanonicalOrForeignInput(text: String) {
        #expect(Base64URL.decode(text[...]) == nil)
    }

    @Test func roundTripsEveryLength() {
        var random = SplitMix64(state: 1)
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)[...]) == bytes)
        }
    }
}

@Suite struct JWTTests {
    /// The example token from jwt.io, signed with the secret "your-256-bit-secret".
    static let jwtIOToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    static let jwtIOKey = Array("your-256-bit-secret".utf8)
    static let jwtIOClaims = JSONValue.object([
        (key: "sub", value: .string("1234567890")), (key: "name", value: .string("John Doe")),
        (key: "iat", value: .number(1_516_239_022)),
    ])

    /// Computed independently with Python's hmac module, key bytes 0...31:
    /// the payload has non-ASCII and '/' (left unescaped) and '"' (escaped).
    static let pythonToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        + ".eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiJ0MSIsImV4cCI6MTcwMDAwMDAwMCwic2NwIjoi"
        + "VXNlckF1dGhlbnRpY2F0aW9uTWV0aG9kLlJlYWRXcml0ZS5BbGwiLCJuYW1lIjoiWm_DqyAvXCJxXCIifQ"
        + ".O0cDY2Rdrmidb7qzybTkXXDBSMxPWKdGcTDBp1uhEAo"
    static let pythonKey = (0..<32).map { UInt8($0) }
    static let pythonClaims = JSONValue.object([
        (key: "aud", value: .string("https://graph.microsoft.com")), (key: "tid", value: .string("t1")),
        (key: "exp", value: .number(1_700_000_000)),
        (key: "scp", value: .string("UserAuthenticationMethod.ReadWrite.All")),
        (key: "name", value: .string("Zoë /\"q\"")),
    ])

    /// A token with an arbitrary header, payload and signature, each given as raw text.
    private static func token(header: String, payload: String, signature: String = "c2ln") -> String {
        Base64URL.encode(header.utf8) + "." + Base64URL.encode(payload.utf8) + "." + signature
    }

    private static func verifyError(_ token: String, key: [UInt8] = jwtIOKey) -> JWTError? {
        do {
            let claims = try JWT.verify(token, key: key)
            Issue.record("accepted with claims \(claims)")
            return nil
        } catch {
            return error
        }
    }

    @Test func signThenVerifyRoundTrips() throws {
        let claims = JSONValue.object([(key: "sub", value: .string("user")), (key: "exp", value: .number(2e9))])
        let token = JWT.sign(claims: claims, key: [1, 2, 3])
        #expect(try JWT.verify(token, key: [1, 2, 3]) == claims)
        #expect(token.split(separator: ".").count == 3)
    }

    @Test func signReproducesKnownTokens() {
        #expect(JWT.sign(claims: Self.jwtIOClaims, key: Self.jwtIOKey) == Self.jwtIOToken)
        #expect(JWT.sign(claims: Self.pythonClaims, key: Self.pythonKey) == Self.pythonToken)
    }

    @Test func verifyAcceptsKnownTokens() throws {
        #expect(try JWT.verify(Self.jwtIOToken, key: Self.jwtIOKey) == Self.jwtIOClaims)
        #expect(try JWT.verify(Self.pythonToken, key: Self.pythonKey) == Self.pythonClaims)
    }

    @Test func decodeExposesTheParts() throws {
        let parts = try JWT.decode(Self.jwtIOToken)
        #expect(parts.header["alg"] == .string("HS256"))
        #expect(parts.claims == Self.jwtIOClaims)
        #expect(
            parts.signingInput == Self.jwtIOToken.prefix(while: { $0 != "." }) + "."
                + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ")
        #expect(parts.signature.count == 32)
    }

    @Test func tamperedPayloadIsABadSignature() {
        let pieces = Self.jwtIOToken.split(separator: ".")
        let forged =
            pieces[0] + "." + Base64URL.encode(#"{"sub":"1234567890","name":"Admin","iat":1516239022}"#.utf8) + "."
            + pieces[2]
        #expect(Self.verifyError(forged) == .badSignature)
    }

    @Test func tamperedSignatureIsABadSignature() {
        var forged = Self.jwtIOToken
        forged.replaceSubrange(
            forged.index(forged.endIndex, offsetBy: -43)..<forged.index(forged.endIndex, offsetBy: -42), with: "T")
        #expect(forged != Self.jwtIOToken)
        #expect(Self.verifyError(forged) == .badSignature)
        #expect(Self.verifyError(String(Self.jwtIOToken.dropLast(3))) == .badSignature)  // truncated MAC
    }

    @Test func wrongKeyIsABadSignature() {
        #expect(Self.verifyError(Self.jwtIOToken, key: Array("your-256-bit-secreT".utf8)) == .badSignature)
        #expect(Self.verifyError(Self.jwtIOToken, key: []) == .badSignature)
    }

    @Test func emptySignatureIsABadSignature() {
        let unsigned =
            String(Self.jwtIOToken.prefix(while: { $0 != "." }))
            + "." + Base64URL.encode(#"{"sub":"x"}"#.utf8) + "."
        #expect(Self.verifyError(unsigned) == .badSignature)
    }

    static let refusedHeaders = [
        #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"None"}"#, #"{"alg":"HS512","typ":"JWT"}"#, #"{"alg":"HS384"}"#,
        #"{"alg":"RS256"}"#, #"{"alg":"hs256"}"#, #"{"alg":"HS256 "}"#, #"{"typ":"JWT"}"#, #"{"alg":null}"#,
        #"{"alg":["HS256"]}"#, "{}",
    ]

    @Test(arguments: refusedHeaders)
    func algorithmsOtherThanHS256AreRefused(header: String) {
        let payload = #"{"sub":"x"}"#
        #expect(Self.verifyError(Self.token(header: header, payload: payload, signature: "")) == .unsupportedAlgorithm)
        // Even a signature that is a valid HS256 MAC over the signing input does not help.
        let signingInput = Base64URL.encode(header.utf8) + "." + Base64URL.encode(payload.utf8)
        let mac = Base64URL.encode(JWT.signature(over: signingInput, key: Self.jwtIOKey))
        #expect(Self.verifyError(signingInput + "." + mac) == .unsupportedAlgorithm)
    }

    @Test func knownAlgNoneAndHS512TokensAreRefused() {
        // Computed with Python: HS512 header but an HS256 MAC, and alg "none" with a MAC attached.
        let hs512 = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.NNInfNopCgAYV3nMtNgt_ElJiOyEKtsZInqN73wyPrg"
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.ZsOxID6ZbH5NF57L6-EeMB_31DpABHnF0fHYe9bOw1c"
        #expect(Self.verifyError(hs512, key: Array("k".utf8)) == .unsupportedAlgorithm)
        #expect(Self.verifyError(none, key: Array("k".utf8)) == .unsupportedAlgorithm)
        #expect(Self.verifyError("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.") == .unsupportedAlgorithm)
    }

    static let malformedTokens = [
        "", ".", "..", "...", "abc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0",
        jwtIOToken + ".extra", jwtIOToken + ".", "." + jwtIOToken,
        jwtIOToken.replacingOccurrences("Sfl", "S+l"), jwtIOToken.replacingOccurrences("_", "/"),
        jwtIOToken + "=", jwtIOToken + " ", " " + jwtIOToken, jwtIOToken.replacingOccurrences(".eyJz", ".ey!z"),
        token(header: "[]", payload: "{}"), token(header: #"["alg","HS256"]"#, payload: "{}"),
        token(header: "\"HS256\"", payload: "{}"), token(header: "not json", payload: "{}"),
        token(header: #"{"alg":"HS256"} x"#, payload: "{}"), token(header: #"{"alg":"HS256"}"#, payload: "[]"),
        token(header: #"{"alg":"HS256"}"#, payload: "{"),
        token(header: #"{"alg":"HS256","alg":"none"}"#, payload: "{}"),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.c2ln",
    ]

    @Test(arguments: malformedTokens)
    func malformedTokensAreRejected(token: String) {
        #expect(Self.verifyError(token) == .malformed)
        #expect(throws: JWTError.malformed) { try JWT.decode(token) }
    }

    @Test func nonObjectPayloadWithAValidSignatureIsMalformed() throws {
        let header = Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
        for payload in ["[1]", "\"claims\"", "null", "{\"a\":}"] {
            let signingInput = header + "." + Base64URL.encode(payload.utf8)
            let token = signingInput + "." + Base64URL.encode(JWT.signature(over: signingInput, key: Self.jwtIOKey))
            #expect(Self.verifyError(token) == .malformed, "payload \(payload)")
        }
    }

    @Test func oversizedTokensAreMalformedEvenIfSigned() throws {
        let big = JSONValue.object([(key: "pad", value: .string(String(repeating: "x", count: 12 * 1024)))])
        let token = JWT.sign(claims: big, key: Self.jwtIOKey)
        #expect(token.utf8.count > JWT.maxLength)
        #expect(Self.verifyError(token) == .malformed)
        let fits = JSONValue.object([(key: "pad", value: .string(String(repeating: "x", count: 11 * 1024)))])
        #expect(try JWT.verify(JWT.sign(claims: fits, key: Self.jwtIOKey), key: Self.jwtIOKey) == fits)
    }

    @Test func randomGarbageNeverCrashes() {
        var random = SplitMix64(state: 3)
        let alphabet = Array("eyJhbGciOiJIUzI1NiJ9._-=+/ é".unicodeScalars)
        for _ in 0..<5_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...60, using: &random) {
                text.append(alphabet.randomElement(using: &random) ?? "a")
            }
            _ = try? JWT.verify(String(text), key: Self.jwtIOKey)
        }
    }
}

extension String {
    /// Replaces the first occurrence; Foundation-free, so the tests do not import Foundation for it.
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
