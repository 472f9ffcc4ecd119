import Crypto
import Foundation
import Testing
import X509
import _CryptoExtras

@testable import PhoneService
@testable import PhoneStore

/// Discovery, keys and user realm as Entra serves them, over real HTTP: shapes, URLs from the
/// `Host` the client dialled, tenant names, and Entra's error for an unknown tenant.
@Suite struct IdentityHandlerTests {
    let fixture: SignInFixture

    init() throws { fixture = try SignInFixture() }

    @Test func theV2DiscoveryDocumentNamesThisServicesEndpoints() throws {
        let tid = fixture.tenantID
        let response = try fixture.get("/\(tid)/v2.0/.well-known/openid-configuration")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["content-type"] == "application/json")
        let document = response.object
        let path = "\(fixture.base)/\(tid)"
        #expect(document["issuer"] as? String == "\(path)/v2.0")
        #expect(document["token_endpoint"] as? String == "\(path)/oauth2/v2.0/token")
        #expect(document["authorization_endpoint"] as? String == "\(path)/oauth2/v2.0/authorize")
        #expect(document["device_authorization_endpoint"] as? String == "\(path)/oauth2/v2.0/devicecode")
        #expect(document["jwks_uri"] as? String == "\(path)/discovery/v2.0/keys")
        #expect(document["id_token_signing_alg_values_supported"] as? [String] == ["RS256"])
        #expect(
            Set(document["token_endpoint_auth_methods_supported"] as? [String] ?? []) == [
                "client_secret_post", "private_key_jwt", "client_secret_basic",
            ])
        #expect((document["scopes_supported"] as? [String])?.contains("offline_access") == true)
    }

    @Test func urlsNameHTTPSForARequestThatCameOverTLS() {
        var request = HTTPRequest(method: "GET", path: "/common/v2.0/.well-known/openid-configuration")
        request.headers["host"] = "127.0.0.1:8443"
        #expect(IdentityURLs.base(for: request) == "http://127.0.0.1:8443")
        request.isTLS = true
        #expect(IdentityURLs.base(for: request) == "https://127.0.0.1:8443")
    }

    @Test func commonAndOrganizationsKeepTheirNameAndATenantPlaceholderIssuer() throws {
        for name in ["common", "organizations", "Common"] {
            let response = try fixture.get("/\(name)/v2.0/.well-known/openid-configuration")
            #expect(response.status == 200, "\(name): \(response.text)")
            #expect(response.object["issuer"] as? String == "\(fixture.base)/{tenantid}/v2.0")
            #expect(
                response.object["token_endpoint"] as? String
                    == "\(fixture.base)/\(name.lowercased())/oauth2/v2.0/token")
        }
    }

    @Test func theV1DiscoveryDocumentHasTheStsIssuer() throws {
        let tid = fixture.tenantID
        let response = try fixture.get("/\(tid)/.well-known/openid-configuration")
        #expect(response.status == 200, "\(response.text)")
        #expect(response.object["issuer"] as? String == "https://sts.windows.net/\(tid)/")
        #expect(response.object["token_endpoint"] as? String == "\(fixture.base)/\(tid)/oauth2/token")
        #expect(response.object["jwks_uri"] as? String == "\(fixture.base)/\(tid)/discovery/keys")
    }

    /// A domain stands for the tenant when one of its users is in it (docs/sign-in.md).
    @Test func aDomainOfTheTenantsUsersNamesTheTenant() throws {
        let known = try fixture.get("/contoso.com/v2.0/.well-known/openid-configuration")
        #expect(known.status == 200, "\(known.text)")
        #expect(known.object["issuer"] as? String == "\(fixture.base)/\(fixture.tenantID)/v2.0")
        let unknown = try fixture.get("/fabrikam.com/v2.0/.well-known/openid-configuration")
        #expect(unknown.status == 400)
        #expect(unknown.errorCodes == [90002])
    }

    @Test(arguments: [
        "/00000000-0000-4000-8000-000000000000/v2.0/.well-known/openid-configuration",
        "/not-a-tenant/.well-known/openid-configuration", "/fabrikam.com/discovery/v2.0/keys",
    ])
    func anUnknownTenantIsEntrasAADSTS90002(path: String) throws {
        let response = try fixture.get(path)
        #expect(response.status == 400, "\(response.text)")
        #expect(response.object["error"] as? String == "invalid_tenant")
        #expect(response.errorCodes == [90002])
        #expect((response.object["error_description"] as? String)?.hasPrefix("AADSTS90002: Tenant '") == true)
        for key in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
            #expect(response.object[key] is String, "\(key) missing: \(response.text)")
        }
    }

    @Test func theJWKSPublishesTheKeyThatSignsTokens() throws {
        let response = try fixture.get("/\(fixture.tenantID)/discovery/v2.0/keys")
        #expect(response.status == 200, "\(response.text)")
        let keys = response.object["keys"] as? [[String: Any]] ?? []
        #expect(keys.count == 1)
        let key = try #require(keys.first)
        #expect(key["kty"] as? String == "RSA" && key["use"] as? String == "sig")
        let kid = try #require(key["kid"] as? String)
        #expect(key["x5t"] as? String == kid)
        // The certificate's SHA-1 thumbprint is x5t, and its key is n and e.
        let der = try #require((key["x5c"] as? [String])?.first.flatMap { Data(base64Encoded: $0) })
        #expect(Base64URL.encode(Insecure.SHA1.hash(data: der)) == kid)
        let certificate = try Certificate(derEncoded: Array(der))
        let fromCertificate = try #require(_RSA.Signing.PublicKey(certificate.publicKey))
        let n = try #require(Base64URL.decode(Substring(key["n"] as? String ?? "")))
        let e = try #require(Base64URL.decode(Substring(key["e"] as? String ?? "")))
        let fromJWKS = try _RSA.Signing.PublicKey(n: n, e: e)
        #expect(fromJWKS.derRepresentation == fromCertificate.derRepresentation)
        #expect(fromJWKS.keySizeInBits == 2048)

        // A token the admin API mints names that key and verifies with n and e.
        let minted = try fixture.admin(
            "POST", "/tokens", json: #"{"user":"alice@contoso.com","scopes":["UserAuthenticationMethod.Read"]}"#)
        let token = try #require(minted.string("accessToken"))
        let verified = try JWT.verifyRSA(token, algorithms: ["RS256"]) { header in
            header["kid"] == .string(kid) && header["x5t"] == .string(kid) ? fromJWKS : nil
        }
        #expect(verified.claims["tid"] == .string(fixture.tenantID))
    }

    @Test func userRealmDiscoveryAnswersManagedForTheTenantsDomains() throws {
        let managed = try fixture.get("/common/userrealm/alice%40contoso.com?api-version=1.0")
        #expect(managed.status == 200, "\(managed.text)")
        #expect(managed.object["account_type"] as? String == "Managed")
        #expect(managed.object["domain_name"] as? String == "contoso.com")
        let unknown = try fixture.get("/common/userrealm/bob%40fabrikam.com?api-version=1.0")
        #expect(unknown.object["account_type"] as? String == "Unknown")
    }

    /// Graph's refusals of unknown versions are unchanged by the `{tenant}` routes.
    @Test func graphStillRefusesUnknownVersionsInItsOwnWords() throws {
        let response = try fixture.get("/v2.0/users/alice%40contoso.com/authentication/phoneMethods")
        #expect(response.status == 400)
        #expect(response.errorMessage == "Invalid version: v2.0")
    }
}
