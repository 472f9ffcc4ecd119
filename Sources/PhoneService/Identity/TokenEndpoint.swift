import Foundation
import PhoneStore

/// `POST /{tenant}/oauth2/v2.0/token` and the v1 `POST /{tenant}/oauth2/token`: the grants an app
/// uses to get a Microsoft Graph token (client credentials, password, refresh token), answered as
/// Entra answers them. The client is authenticated first (`ClientAuthentication`), then the grant
/// decides who the token is for and what it may do.
struct TokenEndpoint: Sendable {
    let store: PhoneStore
    let deviceCodes: DeviceCodes
    let authorizationCodes: AuthorizationCodes

    /// The v2 endpoint: `scope` names what is asked for.
    func tokenV2(_ call: Call) -> HandlerOutcome {
        let (store, deviceCodes, authorizationCodes) = (store, deviceCodes, authorizationCodes)
        let request = call.request
        return IdentityHandler.answer(call) { authority in
            let tenant = try authority.resolve(store, error: "invalid_request")
            let form = try FormBody(request.body)
            let grant = try form.required("grant_type")
            guard Self.grants.contains(grant) || grant == Self.deviceCodeGrant || grant == "authorization_code" else {
                throw EntraError.unsupportedGrantType(grant)
            }
            let client = try ClientAuthentication(store: store, tenant: tenant, authority: authority)
                .authenticate(form, authorization: request.header("authorization"), grant: grant)
            let issuer = try TokenIssuer(store: store)
            let answer: TokenAnswer
            switch grant {
            case Self.deviceCodeGrant:
                let (user, scope) = try deviceCodes.user(
                    deviceCode: try form.required("device_code"), client: client, store: store)
                answer = try Self.userTokens(
                    user, asked: try Scopes(scope, tenant: tenant), client: client, issuer: issuer,
                    authority: authority, form)
            case "authorization_code":
                let (user, grant) = try authorizationCodes.user(form, client: client, store: store)
                let asked = try Scopes(grant.scope, tenant: tenant)
                answer = try Self.userTokens(
                    user, asked: asked, client: client, issuer: issuer, authority: authority, form, nonce: grant.nonce)
            case "client_credentials":
                guard !authority.isMultiTenant else { throw EntraError.noTenantInformation }
                let scope = try form.required("scope")
                try Scopes.requireGraphDefault(scope, tenant: tenant)
                answer = TokenAnswer(
                    accessToken: try issuer.application(
                        roles: client.app.applicationPermissions, client: client.issued),
                    scopes: nil)
            case "password":
                let user = try Self.signIn(form, store: store, tenant: tenant)
                let asked = try Scopes(form.required("scope"), tenant: tenant)
                answer = try Self.userTokens(
                    user, asked: asked, client: client, issuer: issuer, authority: authority, form)
            default:  // refresh_token
                let grantToken = try form.required("refresh_token")
                let refreshed = try RefreshGrant.redeem(grantToken, clientID: client.app.appID, store: store)
                var asked = try Scopes(form["scope"] ?? refreshed.scopes.joined(separator: " "), tenant: tenant)
                // A refresh never widens what was granted; OIDC scopes come back as they were.
                asked.graph = asked.graph.filter { scope in
                    refreshed.scopes.contains(where: { $0.caseInsensitiveCompare(scope) == .orderedSame })
                }
                if asked.graph.isEmpty && !asked.wantsDefault { asked.graph = Scopes(refreshed.scopes).graph }
                answer = try Self.userTokens(
                    refreshed.user, asked: asked, client: client, issuer: issuer, authority: authority, form)
            }
            return answer.response(call.response, v1Resource: nil)
        }
    }

    /// The v1 endpoint: `resource` names the API (Microsoft Graph only), and a user's token carries
    /// every delegated permission the app has, as v1 tokens carry the app's static consent.
    /// Codes of either version's authorize page and device code endpoint are redeemed here too.
    func tokenV1(_ call: Call) -> HandlerOutcome {
        let (store, deviceCodes, authorizationCodes) = (store, deviceCodes, authorizationCodes)
        let request = call.request
        return IdentityHandler.answer(call) { authority in
            let tenant = try authority.resolve(store, error: "invalid_request")
            let form = try FormBody(request.body)
            let grant = try form.required("grant_type")
            guard Self.grants.contains(grant) || grant == Self.v1DeviceCodeGrant || grant == "authorization_code"
            else { throw EntraError.unsupportedGrantType(grant) }
            let client = try ClientAuthentication(store: store, tenant: tenant, authority: authority)
                .authenticate(form, authorization: request.header("authorization"), grant: grant)
            let resource = try form.required("resource")
            guard Scopes.isGraph(resource: resource) else {
                throw EntraError.unknownResource(resource, tenant: tenant.id)
            }
            let issuer = try TokenIssuer(store: store)
            var asked = Scopes([])
            asked.wantsDefault = true
            if (form["scope"] ?? "").split(separator: " ").contains("openid") { asked.oidc = ["openid"] }
            let answer: TokenAnswer
            switch grant {
            case "client_credentials":
                guard !authority.isMultiTenant else { throw EntraError.noTenantInformation }
                answer = TokenAnswer(
                    accessToken: try issuer.application(
                        roles: client.app.applicationPermissions, client: client.issued),
                    scopes: nil)
            case "password":
                let user = try Self.signIn(form, store: store, tenant: tenant)
                asked.oidc.append("offline_access")
                answer = try Self.userTokens(
                    user, asked: asked, client: client, issuer: issuer, authority: authority, form)
            case Self.v1DeviceCodeGrant:
                let user = try deviceCodes.user(deviceCode: try form.required("code"), client: client, store: store).0
                asked.oidc.append("offline_access")
                answer = try Self.userTokens(
                    user, asked: asked, client: client, issuer: issuer, authority: authority, form)
            case "authorization_code":
                let (user, grant) = try authorizationCodes.user(form, client: client, store: store)
                asked.oidc = ["openid", "offline_access"]
                answer = try Self.userTokens(
                    user, asked: asked, client: client, issuer: issuer, authority: authority, form, nonce: grant.nonce)
            default:
                let refreshed = try RefreshGrant.redeem(
                    try form.required("refresh_token"), clientID: client.app.appID, store: store)
                asked.oidc.append("offline_access")
                answer = try Self.userTokens(
                    refreshed.user, asked: asked, client: client, issuer: issuer, authority: authority, form)
            }
            return answer.response(call.response, v1Resource: TokenIssuer.graphAudience)
        }
    }

    static let grants: Set<String> = ["client_credentials", "password", "refresh_token"]
    /// RFC 8628's grant type; the v2 endpoint only.
    static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"
    /// v1's name for it, with the device code in `code` (ADAL's `OAuth2GrantType.DEVICE_CODE`).
    static let v1DeviceCodeGrant = "device_code"

    /// The user a password grant names, if the password is theirs.
    static func signIn(_ form: FormBody, store: PhoneStore, tenant: Tenant) throws -> User {
        let username = try form.required("username")
        let password = try form.required("password")
        guard let user = try store.user(key: username), username.contains("@") else {
            throw EntraError.unknownUser(tenant: tenant.id)
        }
        guard let stored = try store.passwordHash(userID: user.id), Secrets.verifyPassword(password, against: stored)
        else { throw EntraError.wrongPassword }
        return user
    }

    /// The tokens of a user sign-in: an access token for Graph with the delegated scopes granted,
    /// an ID token with `openid`, a refresh token with `offline_access`.
    static func userTokens(
        _ user: User, asked: Scopes, client: ClientAuthentication.Client, issuer: TokenIssuer, authority: Authority,
        _ form: FormBody, nonce: String? = nil
    ) throws -> TokenAnswer {
        let granted = try asked.granted(by: client.app)
        var answer = TokenAnswer(
            accessToken: try issuer.delegated(user: user, scopes: granted, client: client.issued),
            scopes: granted.map { Scopes.graphPrefix + $0 } + asked.oidc)
        if asked.oidc.contains("openid") {
            answer.idToken = try issuer.idToken(
                user: user, clientID: client.app.appID,
                issuer: IdentityURLs.issuerV2(base: authority.base, tenantID: issuer.tenant.id),
                nonce: nonce ?? form["nonce"])
        }
        if asked.oidc.contains("offline_access") {
            answer.refreshToken = try issuer.refreshToken(user: user, clientID: client.app.appID, scopes: granted)
        }
        if form["client_info"] == "1" {
            let info: JSONValue = .object([("uid", .string(user.id)), ("utid", .string(issuer.tenant.id))])
            answer.clientInfo = Base64URL.encode(info.serialized())
        }
        return answer
    }
}
