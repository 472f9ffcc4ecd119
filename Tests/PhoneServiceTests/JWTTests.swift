import Crypto
import Foundation
import PhoneStore
import Testing
import _CryptoExtras

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
    /// An RSA-2048 key made with Python's `cryptography` (PKCS#1 DER, base64), and tokens signed
    /// with it there: one over the exact header this service writes (RS256 signatures are
    /// deterministic, so signing must reproduce it), one by PyJWT.
    static let keyDER =
        "MIIEpQIBAAKCAQEA91BYIMKcVJ1miWHc/BOk8Vbg3hUd9i38AdnhmeNj3iLlb/V9q35aBqLM6oy/dTLqBYJmlfhq5No++6ac"
        + "Ik6MZcw3InbQkOZZcahFU0mcDo6X4Ldi096OL2f+7fRY4nspT4RglsvZ/iyylQOhuABhwzybksT6wjQ9BKnH9PW+xNpQZrrV"
        + "eQBeK0HQroJDuUraGE3eua5j4wMJcFFnXRwkICdeREzYGF1uU5LcsAYbFtYBdxAtTJst6+b1zUybo5NTJwSe2exxTTc9XAP7"
        + "2kALHE4hEC/aWuShTrTI1vuE2U3pbvEDF0bu1oS7Mjctah2LFMYXViJdXh9KXBK4ScH8uwIDAQABAoIBAAkFEIgpV0N5KVTL"
        + "XlO0Cuj7NS2EWAv/3PGoVtaikqR2yCcCk6teHiRt0MsHiEtBW+pvH65KjOnjawNvx42Zj2J+RZu0X6KMdCio09ZxmDp24uON"
        + "0xHmsdYMYe5sLsdPAwOxnUacREtFdnUbpWZ5+EoDLnb2evrIP8CpL7zBL0ySMDXTS0hePVRJri8DRw5iACNlN/NH/qizUK51"
        + "qLZIbrE53wZOrLMmSEqjvw3hE6+Z8IxZH+oNHeFWmbZ61QYTGL0DMlvNHytCy4jZhrlo1o4cUBeCqmEP/NTEA2t1jiUodJyZ"
        + "c0+AVca0i2F9IJGLBfg/iB2uiqC04ilmMrtb13kCgYEA/zS1XBS+gxPSC4UuYnnVXtMP9khi+Qpw5jB7KfBCuvubgrHwPSjM"
        + "WS1rj0SOnzbAweeN1xgWv9yddzwvTqAq8HJQT/TT1M9aWVdU9n/h950gbNZvf90ayYK8hv/s34JL6GXcrwR8Niw1WCs4J4Bd"
        + "YZ/fSaMf0bsA9z4UUB7hkT0CgYEA+BVZY6oN9tbaEu4tougpvvtosO46AjdyQ/YtVwd98lC4TOlXSsbOCrQ70EFcXm9Mu8q1"
        + "Wro+eheh73ehLXhwKPGW1hTxDN313ipmMWaqxDPVlB0CXOB0yteYs1dT4J7aZnUDHaB8UBskV90QaSBwVgEXARCc2WO47sX1"
        + "ZWioNVcCgYEAnqYAnGaU7F1U9S5s4HEGsLUatirXxCO2fZLj7fVbNmwVh5DgXNTQ/BsdQ2oGE3nxKFmvNmjWM52NEkOK0SEG"
        + "sIUP4jS7vw7MBsAgpEBplAnMz3wawm0MKvsoAfB1K5kPYUB5iR+LrA2dd9seRIgrBPZi058ht7q95fVkoU4hQa0CgYEAmYz9"
        + "SwbSpdnOGLF7Zb21ORR7dCe/l+ehvhb9cUSd3AHCUTiMYygyF8X+z6Pk/D5/jCynm4RzbzZ5cLLm/DHzmiQObGuB16j6qYws"
        + "vJ8DS3WZ2JcsAziakYJobXi73ef03j3Gs+vFhf+GuyuFIMyHO3RpPKt/qb5jlMbKYP4qPvkCgYEAvg9VebNvrNxOIhyluPxE"
        + "QE3qIa/rROxiiMjBYXGvWWR2Byb+mvcg4MZc+SmqKwYNxQlwcw/yGvfmh/3Go4MIqJlMe0tXiqFkCulKDUtueIA7fePRi8lS"
        + "UuKhn0g3mq8mn5+RPqTqXcU10Ay/HwQTBeTSRxCzWKNFnmfCqURWjBI="
    static let key: SigningKey? = {
        guard let der = Data(base64Encoded: keyDER) else { return nil }
        return try? SigningKey(
            SigningKeyRecord(kid: "test-kid", x5t: "test-kid", privateKey: Array(der), certificate: [], createdAt: ""))
    }()
    static let pythonToken =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6InRlc3Qta2lkIiwia2lkIjoidGVzdC1raWQifQ.eyJhdWQiOiJod"
        + "HRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiJ0MSIsImV4cCI6MTcwMDAwMDAwMCwibmFtZSI6Ilpvw6sgL1wic"
        + "VwiIn0.mXTTjM-1_S8omx72AAZEOQ0QYm0i65fSa3hHr1CVUDIwGEw0e1Ns2LGeQ3OqloapQhUNgxH0R7I74SX-qnLNaTrLz"
        + "DtKvApsCxY3KP0T0CcCKb2sKvkN7hUauMzlDNNng7EkyJaTO9HAOoIXTpejVO5cYVYFrCDP9k2Tlr1QGQ2Wf3a8C9M5F5n5g"
        + "Chsb_JEqPO-VVLlFFfW0RHdKu96Q0IiO9L9gldZf27cFzauWx5gtA0W-BwGx3BEUxQ-cHuceQFMrDcgBnQjXqADBUf4-Hftr"
        + "gDGK2RG749TNzUPX8_I-2FhhF_OSzo8Qjml4NZp2KR6kezDfhFgVgBcvQMcCg"
    static let pythonClaims = JSONValue.object([
        (key: "aud", value: .string("https://graph.microsoft.com")), (key: "tid", value: .string("t1")),
        (key: "exp", value: .number(1_700_000_000)), (key: "name", value: .string("Zoë /\"q\"")),
    ])
    static let pyJWTToken =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2lkIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6"
        + "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.rfk1A0zgO5JmLujgKdiLqxKgzczPKHPJTTYZRxumPa2a7CrRBeRF5Kq_c"
        + "pArWsHPjVNYZ-IytMK8Dh9P0fnqw3XPwP5tXstvJiOuxTNLL-9y65qk1UaA9Zdd1_iRPW7sBbCV4NLzr-p1sirU14ymUiJGC"
        + "vd2z16edaGj6iQP_qo8_1LXYm8vOry2yRZ4GySFnB9YElvNTbKMP9RVUGVb7XcPt4xe5E3PXVpOMHflzscSKPvC_Ttn6rgT6"
        + "M9oJsxH12rD2vbBCqZoLPcZpKEqq3Nr9-t0sdvX8zPlrr-3Na4KwzhHRhcrhKWljkPwZKbpet66FbyX8osaJ1lg29kmXQ"
    static let pyJWTClaims = JSONValue.object([
        (key: "sub", value: .string("1234567890")), (key: "name", value: .string("John Doe")),
        (key: "iat", value: .number(1_516_239_022)),
    ])
    /// Another key, made here: what a forger would sign with.
    static let otherKey: SigningKey? = try? SigningKey(SigningKey.make())

    /// A token with an arbitrary header, payload and signature, each given as raw text.
    private static func token(header: String, payload: String, signature: String = "c2ln") -> String {
        Base64URL.encode(header.utf8) + "." + Base64URL.encode(payload.utf8) + "." + signature
    }

    /// An RS256 signature over "header.payload" with `key`, base64url.
    private static func signature(_ signingInput: String, with key: SigningKey?) -> String {
        let raw = try? key?.privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return Base64URL.encode(raw.map { Array($0.rawRepresentation) } ?? [])
    }

    private static func verify(_ token: String, key: SigningKey? = key, algorithms: Set<String> = ["RS256"])
        throws(JWTError) -> JSONValue
    {
        try JWT.verifyRSA(token, algorithms: algorithms) { _ in key?.publicKey }.claims
    }

    private static func verifyError(_ token: String, key: SigningKey? = key) -> JWTError? {
        do {
            let claims = try verify(token, key: key)
            Issue.record("accepted with claims \(claims)")
            return nil
        } catch {
            return error
        }
    }

    @Test func signThenVerifyRoundTrips() throws {
        let key = try #require(Self.key)
        let claims = JSONValue.object([(key: "sub", value: .string("user")), (key: "exp", value: .number(2e9))])
        let token = try JWT.signRS256(claims: claims, key: key)
        #expect(try Self.verify(token) == claims)
        #expect(token.split(separator: ".").count == 3)
        let header = try JWT.decode(token).header
        #expect(header["kid"] == .string("test-kid") && header["x5t"] == .string("test-kid"))
    }

    @Test func signReproducesTheTokenPythonSigned() throws {
        #expect(try JWT.signRS256(claims: Self.pythonClaims, key: try #require(Self.key)) == Self.pythonToken)
    }

    @Test func verifyAcceptsTokensPythonSigned() throws {
        #expect(try Self.verify(Self.pythonToken) == Self.pythonClaims)
        #expect(try Self.verify(Self.pyJWTToken) == Self.pyJWTClaims)
    }

    @Test func decodeExposesTheParts() throws {
        let parts = try JWT.decode(Self.pyJWTToken)
        #expect(parts.header["alg"] == .string("RS256"))
        #expect(parts.claims == Self.pyJWTClaims)
        #expect(parts.signingInput == Self.pyJWTToken.split(separator: ".").prefix(2).joined(separator: "."))
        #expect(parts.signature.count == 256)
    }

    @Test func tamperedPayloadIsABadSignature() {
        let pieces = Self.pyJWTToken.split(separator: ".")
        let forged =
            pieces[0] + "." + Base64URL.encode(#"{"sub":"1234567890","name":"Admin","iat":1516239022}"#.utf8) + "."
            + pieces[2]
        #expect(Self.verifyError(forged) == .badSignature)
    }

    @Test func tamperedSignatureIsABadSignature() {
        var forged = Self.pyJWTToken
        let index = forged.index(forged.endIndex, offsetBy: -20)
        forged.replaceSubrange(index..<forged.index(after: index), with: forged[index] == "A" ? "B" : "A")
        #expect(forged != Self.pyJWTToken)
        #expect(Self.verifyError(forged) == .badSignature)
        let pieces = Self.pyJWTToken.split(separator: ".")
        let truncated = Base64URL.encode((Base64URL.decode(pieces[2]) ?? []).dropLast(3))
        #expect(Self.verifyError(pieces[0] + "." + pieces[1] + "." + truncated) == .badSignature)
    }

    @Test func anotherKeyIsABadSignature() {
        #expect(Self.verifyError(Self.pyJWTToken, key: Self.otherKey) == .badSignature)
    }

    @Test func noKeyForTheHeaderIsAnUnknownKey() {
        #expect(Self.verifyError(Self.pyJWTToken, key: nil) == .unknownKey)
    }

    @Test func emptySignatureIsABadSignature() {
        let unsigned =
            String(Self.pyJWTToken.prefix(while: { $0 != "." })) + "." + Base64URL.encode(#"{"sub":"x"}"#.utf8) + "."
        #expect(Self.verifyError(unsigned) == .badSignature)
    }

    static let refusedHeaders = [
        #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"None"}"#, #"{"alg":"HS256","typ":"JWT"}"#, #"{"alg":"HS512"}"#,
        #"{"alg":"RS512"}"#, #"{"alg":"PS256"}"#, #"{"alg":"rs256"}"#, #"{"alg":"RS256 "}"#, #"{"typ":"JWT"}"#,
        #"{"alg":null}"#, #"{"alg":["RS256"]}"#, "{}",
    ]

    @Test(arguments: refusedHeaders)
    func algorithmsOtherThanThoseAskedForAreRefused(header: String) {
        let payload = #"{"sub":"x"}"#
        #expect(Self.verifyError(Self.token(header: header, payload: payload, signature: "")) == .unsupportedAlgorithm)
        // Even a valid RS256 signature over the signing input does not help.
        let signingInput = Base64URL.encode(header.utf8) + "." + Base64URL.encode(payload.utf8)
        #expect(
            Self.verifyError(signingInput + "." + Self.signature(signingInput, with: Self.key)) == .unsupportedAlgorithm
        )
    }

    /// Algorithm confusion: an HMAC keyed with the public key's bytes is no signature.
    @Test func anHS256TokenKeyedWithThePublicKeyIsRefused() throws {
        let key = try #require(Self.key)
        let header = Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
        let input = header + "." + Base64URL.encode(#"{"sub":"x"}"#.utf8)
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(input.utf8), using: SymmetricKey(data: key.publicKey.derRepresentation))
        #expect(Self.verifyError(input + "." + Base64URL.encode(mac)) == .unsupportedAlgorithm)
    }

    @Test func ps256IsAcceptedOnlyWhenAskedFor() throws {
        let key = try #require(Self.key)
        let input = Base64URL.encode(#"{"alg":"PS256"}"#.utf8) + "." + Base64URL.encode(#"{"sub":"x"}"#.utf8)
        let signature = try key.privateKey.signature(for: Array(input.utf8), padding: .PSS)
        let token = input + "." + Base64URL.encode(signature.rawRepresentation)
        #expect(try Self.verify(token, algorithms: ["RS256", "PS256"]) == .object([(key: "sub", value: .string("x"))]))
        #expect(Self.verifyError(token) == .unsupportedAlgorithm)
    }

    static let malformedTokens = [
        "", ".", "..", "...", "abc", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0",
        pyJWTToken + ".extra", pyJWTToken + ".", "." + pyJWTToken,
        pyJWTToken.replacingOccurrences("rfk", "r+k"), pyJWTToken.replacingOccurrences("_", "/"),
        pyJWTToken + "=", pyJWTToken + " ", " " + pyJWTToken, pyJWTToken.replacingOccurrences(".eyJz", ".ey!z"),
        token(header: "[]", payload: "{}"), token(header: #"["alg","RS256"]"#, payload: "{}"),
        token(header: "\"RS256\"", payload: "{}"), token(header: "not json", payload: "{}"),
        token(header: #"{"alg":"RS256"} x"#, payload: "{}"), token(header: #"{"alg":"RS256"}"#, payload: "[]"),
        token(header: #"{"alg":"RS256"}"#, payload: "{"),
        token(header: #"{"alg":"RS256","alg":"none"}"#, payload: "{}"),
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln.c2ln",
    ]

    @Test(arguments: malformedTokens)
    func malformedTokensAreRejected(token: String) {
        #expect(Self.verifyError(token) == .malformed)
        #expect(throws: JWTError.malformed) { try JWT.decode(token) }
    }

    @Test func nonObjectPayloadWithAValidSignatureIsMalformed() throws {
        let header = Base64URL.encode(#"{"alg":"RS256","typ":"JWT"}"#.utf8)
        for payload in ["[1]", "\"claims\"", "null", "{\"a\":}"] {
            let signingInput = header + "." + Base64URL.encode(payload.utf8)
            #expect(
                Self.verifyError(signingInput + "." + Self.signature(signingInput, with: Self.key)) == .malformed,
                "payload \(payload)")
        }
    }

    @Test func oversizedTokensAreMalformedEvenIfSigned() throws {
        let key = try #require(Self.key)
        let big = JSONValue.object([(key: "pad", value: .string(String(repeating: "x", count: 12 * 1024)))])
        let token = try JWT.signRS256(claims: big, key: key)
        #expect(token.utf8.count > JWT.maxLength)
        #expect(Self.verifyError(token) == .malformed)
        let fits = JSONValue.object([(key: "pad", value: .string(String(repeating: "x", count: 11 * 1024)))])
        #expect(try Self.verify(try JWT.signRS256(claims: fits, key: key)) == fits)
    }

    @Test func randomGarbageNeverCrashes() {
        var random = SplitMix64(state: 3)
        let alphabet = Array("eyJhbGciOiJSUzI1NiJ9._-=+/ é".unicodeScalars)
        for _ in 0..<5_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...60, using: &random) {
                text.append(alphabet.randomElement(using: &random) ?? "a")
            }
            _ = try? Self.verify(String(text))
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
