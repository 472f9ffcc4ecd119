import Foundation

/// A deliberately broken access token, for tests of how an app handles Graph's `401`s: the admin
/// API's `POST /_admin/tokens` with `"defect"`. Each is a well-formed token of the tenant's, signed
/// with its current key, but for the one thing wrong with it.
enum TokenDefect: String, CaseIterable, Sendable {
    /// Expired an hour ago (beyond the verifier's clock skew).
    case expired
    /// Valid from an hour from now.
    case notYetValid
    /// For another resource (Azure Resource Manager) than Graph.
    case wrongAudience
    /// Issued by another tenant's issuer.
    case wrongIssuer
    /// Its signature does not verify under the key its `kid` names.
    case badSignature

    /// `token` (signed with `key`) with this defect.
    func apply(to token: String, key: SigningKey, now: Date = Date()) throws -> String {
        if self == .badSignature {
            // Flip one bit of the signature's first byte (the last character holds padding bits).
            guard let dot = token.lastIndex(of: "."),
                var signature = Base64URL.decode(token[token.index(after: dot)...]), !signature.isEmpty
            else { return token }
            signature[0] ^= 0x01
            return token[...dot] + Base64URL.encode(signature)
        }
        guard case .object(var claims) = try JWT.decode(token).claims else { return token }
        let issued = now.timeIntervalSince1970.rounded(.down)
        func set(_ name: String, _ value: JSONValue) {
            claims.removeAll { $0.key == name }
            claims.append((name, value))
        }
        switch self {
        case .expired:
            set("iat", .number(issued - 7200))
            set("nbf", .number(issued - 7200))
            set("exp", .number(issued - 3600))
        case .notYetValid:
            set("nbf", .number(issued + 3600))
            set("exp", .number(issued + 7200))
        case .wrongAudience:
            set("aud", .string("https://management.azure.com/"))
        case .wrongIssuer:
            set("iss", .string(IdentityURLs.issuerV1(tenantID: "72f988bf-86f1-41af-91ab-2d7cd011db47")))
        case .badSignature:
            break
        }
        return try JWT.signRS256(claims: .object(claims), key: key)
    }
}
