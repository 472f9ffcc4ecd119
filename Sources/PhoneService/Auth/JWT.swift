import Crypto
import _CryptoExtras

/// Why a bearer token was refused. Deliberately coarse: callers answer 401 either way, and telling
/// a client more than "malformed / wrong algorithm / bad signature" would only help an attacker.
enum JWTError: Error, Equatable, Sendable {
    /// Not a compact JWS: not three dot-separated parts, a part that is not canonical unpadded
    /// base64url, a header or payload that is not a JSON object, or a token over `JWT.maxLength`.
    case malformed
    /// The header's `alg` is missing or not one the verifier accepts (never "none").
    case unsupportedAlgorithm
    /// The header names no key the verifier knows (`kid`, `x5t`).
    case unknownKey
    /// The signature does not match the signing input under the key.
    case badSignature
}

/// RSA-signed JSON Web Tokens (RFC 7519 over the JWS compact serialization of RFC 7515): RS256 to
/// sign, RS256 or PS256 to verify (client assertions may use PS256).
///
/// Only the cryptographic envelope is handled here; lifetime, audience and tenant claims are the
/// caller's business once `verify` has returned them.
struct JWT {
    /// Tokens longer than this are refused before any decoding, bounding the work an
    /// unauthenticated request can cause.
    static let maxLength = 16 * 1024

    /// Splits and decodes a token without checking its signature or algorithm.
    /// `signingInput` is the "header.payload" text the signature covers.
    static func decode(
        _ token: String
    ) throws(JWTError) -> (header: JSONValue, claims: JSONValue, signingInput: Substring, signature: [UInt8]) {
        let parts = try split(token)
        return (try jsonObject(parts.header), try jsonObject(parts.payload), parts.signingInput, parts.signature)
    }

    /// Signs `claims` with RS256 (RSASSA-PKCS1-v1_5 with SHA-256) under `key`, with the `kid` and
    /// `x5t` headers Entra's tokens carry.
    static func signRS256(claims: JSONValue, key: SigningKey) throws -> String {
        let header: JSONValue = .object([
            ("typ", .string("JWT")), ("alg", .string("RS256")), ("x5t", .string(key.x5t)), ("kid", .string(key.kid)),
        ])
        let signingInput = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(claims.serialized())
        let signature = try key.privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// RSA signature algorithms by their JWS name (RFC 7518 §3.3, §3.5), all over SHA-256.
    static func rsaPadding(_ algorithm: String) -> _RSA.Signing.Padding? {
        switch algorithm {
        case "RS256": .insecurePKCS1v1_5
        case "PS256": .PSS
        default: nil
        }
    }

    /// Returns header and claims of `token` if its `alg` is one of `algorithms` (RS256, PS256) and
    /// the key `key` finds from the header verifies its signature.
    ///
    /// Checks run in a fixed order: shape and JSON (`malformed`), the algorithm, the key, the
    /// signature. The algorithm is pinned by the caller, never chosen by the token.
    static func verifyRSA(
        _ token: String, algorithms: Set<String>, key: (_ header: JSONValue) -> _RSA.Signing.PublicKey?
    ) throws(JWTError) -> (header: JSONValue, claims: JSONValue) {
        let parts = try split(token)
        let header = try jsonObject(parts.header)
        let claims = try jsonObject(parts.payload)
        guard case .string(let algorithm) = header["alg"], algorithms.contains(algorithm),
            let padding = rsaPadding(algorithm)
        else { throw .unsupportedAlgorithm }
        guard let publicKey = key(header) else { throw .unknownKey }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: parts.signature)
        guard publicKey.isValidSignature(signature, for: Array(parts.signingInput.utf8), padding: padding) else {
            throw .badSignature
        }
        return (header, claims)
    }

    /// The three parts of a compact token, with header and payload still base64url-decoded bytes.
    private struct Parts {
        var header: [UInt8]
        var payload: [UInt8]
        var signingInput: Substring
        var signature: [UInt8]
    }

    private static func split(_ token: String) throws(JWTError) -> Parts {
        guard token.utf8.count <= maxLength else { throw .malformed }
        // Split on bytes, not Characters, so that a dot followed by a combining mark still counts as a
        // separator. At most three splits: a fourth part is detected without splitting further.
        let pieces = token.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
            .map { Substring($0) }
        guard pieces.count == 3,
            let header = Base64URL.decode(pieces[0]),
            let payload = Base64URL.decode(pieces[1]),
            let signature = Base64URL.decode(pieces[2])
        else { throw .malformed }
        let signingInput = token[pieces[0].startIndex..<pieces[1].endIndex]
        return Parts(header: header, payload: payload, signingInput: signingInput, signature: signature)
    }

    private static func jsonObject(_ bytes: [UInt8]) throws(JWTError) -> JSONValue {
        guard let value = try? JSONParser.parse(bytes), case .object = value else { throw .malformed }
        return value
    }
}
