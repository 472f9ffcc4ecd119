import Foundation
import PhoneStore
import X509
import _CryptoExtras

/// A certificate credential's client assertion (RFC 7523 as Entra takes it): a JWT signed RS256
/// or PS256 by the key of a certificate registered for the app, named by its `x5t` (SHA-1) or
/// `x5t#S256` thumbprint; `iss` and `sub` the client id, `aud` the token endpoint, and within its
/// lifetime (`nbf`/`exp`, five minutes of skew, at most a day long).
struct ClientAssertion: Sendable {
    let app: AppRegistration
    let authority: Authority
    let tenant: Tenant

    static let clockSkew: Double = 300
    static let maximumLifetime: Double = 86_400

    func verify(_ assertion: String, now: Double = Date().timeIntervalSince1970) throws {
        let verified: (header: JSONValue, claims: JSONValue)
        do {
            verified = try JWT.verifyRSA(assertion, algorithms: ["RS256", "PS256"]) { header in
                Self.certificate(named: header, among: app.certificates).flatMap(Self.publicKey)
            }
        } catch .malformed {
            throw EntraError.badAssertion(50027, "JWT token is invalid or malformed.")
        } catch .unknownKey {
            throw EntraError.badAssertion(
                700_027,
                "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key "
                    + "used by client: '\(Self.thumbprint(verified: nil, assertion: assertion))']")
        } catch {
            throw EntraError.badAssertion(700_027, "Client assertion failed signature validation.")
        }
        let claims = verified.claims
        guard case .string(let issuer) = claims["iss"], case .string(let subject) = claims["sub"],
            issuer.lowercased() == app.appID, subject.lowercased() == app.appID
        else {
            throw EntraError.badAssertion(
                700_021, "Client assertion application identifier doesn't match 'client_id' parameter.")
        }
        guard case .string(let audience) = claims["aud"], audiences.contains(audience.lowercased()) else {
            throw EntraError.badAssertion(
                700_027, "Client assertion audience claim does not match the token endpoint.")
        }
        guard case .number(let expires) = claims["exp"] else {
            throw EntraError.badAssertion(700_024, "Client assertion is not within its valid time range.")
        }
        var starts = expires - Self.maximumLifetime
        if case .number(let notBefore) = claims["nbf"] {
            starts = notBefore
        } else if case .number(let issued) = claims["iat"] {
            starts = issued
        }
        guard now < expires + Self.clockSkew, now >= starts - Self.clockSkew, expires - starts <= Self.maximumLifetime
        else {
            throw EntraError.badAssertion(700_024, "Client assertion is not within its valid time range.")
        }
    }

    /// The token endpoints an assertion may name: v2 and v1, with the tenant as addressed or its id.
    private var audiences: Set<String> {
        var result: Set<String> = []
        for tenantName in [authority.tenantSegment.lowercased(), tenant.id] {
            let path = authority.base.lowercased() + "/" + tenantName
            result.insert(path + "/oauth2/v2.0/token")
            result.insert(path + "/oauth2/token")
        }
        return result
    }

    private static func certificate(named header: JSONValue, among certificates: [ClientCertificate])
        -> ClientCertificate?
    {
        if case .string(let sha256) = header["x5t#S256"],
            let match = certificates.first(where: { $0.x5tS256 == unpadded(sha256) })
        {
            return match
        }
        if case .string(let sha1) = header["x5t"] { return certificates.first { $0.x5t == unpadded(sha1) } }
        return nil
    }

    /// A thumbprint as registered: base64url without padding. MSAL Python pads its `x5t`
    /// (`base64.urlsafe_b64encode`), and Entra accepts it.
    private static func unpadded(_ thumbprint: String) -> String {
        var text = Substring(thumbprint)
        while text.hasSuffix("=") { text = text.dropLast() }
        return String(text)
    }

    private static func publicKey(_ certificate: ClientCertificate) -> _RSA.Signing.PublicKey? {
        guard let parsed = try? Certificate(derEncoded: certificate.certificate) else { return nil }
        return _RSA.Signing.PublicKey(parsed.publicKey)
    }

    private static func thumbprint(verified: JSONValue?, assertion: String) -> String {
        guard let header = try? JWT.decode(assertion).header else { return "" }
        if case .string(let value) = header["x5t"] { return value }
        if case .string(let value) = header["x5t#S256"] { return value }
        return ""
    }
}
