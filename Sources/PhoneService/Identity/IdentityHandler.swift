import Foundation
import PhoneStore

/// Sign-in as Entra ID serves it, under `/{tenant}/`: the OpenID Connect discovery documents (v2
/// and v1), the signing keys (JWKS), user realm discovery, and the token endpoints
/// (`TokenEndpoint`). Open to anyone, as Entra's are; errors in Entra's shape (`EntraError`).
struct IdentityHandler: Sendable {
    let store: PhoneStore
    let tokens: TokenEndpoint
    let deviceCodes: DeviceCodes
    let authorize: AuthorizeHandler
    let authorizeV1: AuthorizeHandler

    init(store: PhoneStore, deviceCodes: DeviceCodes, authorizationCodes: AuthorizationCodes) {
        self.store = store
        self.deviceCodes = deviceCodes
        self.tokens = TokenEndpoint(store: store, deviceCodes: deviceCodes, authorizationCodes: authorizationCodes)
        self.authorize = AuthorizeHandler(store: store, codes: authorizationCodes)
        self.authorizeV1 = AuthorizeHandler(store: store, codes: authorizationCodes, v1: true)
    }

    func register(in table: inout RouteTable<Endpoint>) {
        var add = RouteGroup(prefix: "/{tenant}")
        add("GET", "/v2.0/.well-known/openid-configuration", configurationV2)
        add("GET", "/.well-known/openid-configuration", configurationV1)
        add("GET", "/discovery/v2.0/keys", keysV2)
        add("GET", "/discovery/keys", keysV1)
        add("GET", "/userrealm/{username}", userRealm)
        add("POST", "/oauth2/v2.0/token", tokens.tokenV2)
        add("POST", "/oauth2/token", tokens.tokenV1)
        add("POST", "/oauth2/v2.0/devicecode", deviceCode)
        let deviceLogin = DeviceLoginHandler(store: store, deviceCodes: deviceCodes)
        add("GET", "/oauth2/v2.0/devicelogin", deviceLogin.show)
        add("POST", "/oauth2/v2.0/devicelogin", deviceLogin.submit)
        add("GET", "/oauth2/v2.0/authorize", authorize.show)
        add("POST", "/oauth2/v2.0/authorize", authorize.submit)
        // v1 (ADAL-era clients), as the v1 discovery document names them.
        add("POST", "/oauth2/devicecode", deviceCodeV1)
        add("GET", "/oauth2/authorize", authorizeV1.show)
        add("POST", "/oauth2/authorize", authorizeV1.submit)
        let logout = LogoutHandler(store: store)
        for path in ["/oauth2/v2.0/logout", "/oauth2/logout"] {
            add("GET", path, logout.signOut)
            add("POST", path, logout.signOut)
        }
        table.add(add)
    }

    /// Answers `work`'s response, or its `EntraError` in Entra's shape; off the pool thread, as
    /// signing may first make the tenant's key and a password check burns CPU on purpose.
    static func answer(_ call: Call, _ work: @escaping @Sendable (Authority) throws -> HTTPResponse) -> HandlerOutcome {
        let authority = Authority(call)
        let response = call.response
        return .offPool {
            do {
                return try work(authority)
            } catch let error as EntraError {
                return error.response(response, base: authority.base)
            } catch {
                return EntraError(GraphError(error)).response(response, base: authority.base)
            }
        }
    }

    // MARK: Discovery

    /// The members the v1 and v2 discovery documents share, as Entra's have them.
    private static func sharedDiscovery(logout: String) -> [(key: String, value: JSONValue)] {
        [
            ("http_logout_supported", .bool(true)),
            ("frontchannel_logout_supported", .bool(true)),
            ("end_session_endpoint", .string(logout)),
            ("claims_supported", strings(claimsSupported)),
            ("tenant_region_scope", .null),
            ("cloud_instance_name", .string("microsoftonline.com")),
            ("cloud_graph_host_name", .string("graph.windows.net")),
            ("msgraph_host", .string("graph.microsoft.com")),
            ("rbac_url", .string("https://pas.windows.net")),
        ]
    }

    func configurationV2(_ call: Call) -> HandlerOutcome {
        let store = store
        return Self.answer(call) { authority in
            let tenant = try authority.resolve(store)
            let path = authority.base + "/" + authority.pathTenant(tenant)
            let issuerTenant = authority.isMultiTenant ? "{tenantid}" : tenant.id
            let value: JSONValue = .object(
                [
                    ("token_endpoint", .string(path + "/oauth2/v2.0/token")),
                    ("token_endpoint_auth_methods_supported", Self.strings(Self.clientAuthMethods)),
                    ("jwks_uri", .string(path + "/discovery/v2.0/keys")),
                    ("response_modes_supported", Self.strings(["query", "fragment", "form_post"])),
                    ("subject_types_supported", Self.strings(["pairwise"])),
                    ("id_token_signing_alg_values_supported", Self.strings(["RS256"])),
                    (
                        "response_types_supported",
                        Self.strings(["code", "id_token", "code id_token", "id_token token"])
                    ),
                    ("scopes_supported", Self.strings(["openid", "profile", "email", "offline_access"])),
                    ("issuer", .string(IdentityURLs.issuerV2(base: authority.base, tenantID: issuerTenant))),
                    ("request_uri_parameter_supported", .bool(false)),
                    ("userinfo_endpoint", .string("https://graph.microsoft.com/oidc/userinfo")),
                    ("authorization_endpoint", .string(path + "/oauth2/v2.0/authorize")),
                    ("device_authorization_endpoint", .string(path + "/oauth2/v2.0/devicecode")),
                ] + Self.sharedDiscovery(logout: path + "/oauth2/v2.0/logout"))
            return call.response.json(status: 200, value: value)
        }
    }

    func configurationV1(_ call: Call) -> HandlerOutcome {
        let store = store
        return Self.answer(call) { authority in
            let tenant = try authority.resolve(store)
            let path = authority.base + "/" + authority.pathTenant(tenant)
            let issuer = IdentityURLs.issuerV1(tenantID: authority.isMultiTenant ? "{tenantid}" : tenant.id)
            let value: JSONValue = .object(
                [
                    ("token_endpoint", .string(path + "/oauth2/token")),
                    ("token_endpoint_auth_methods_supported", Self.strings(Self.clientAuthMethods)),
                    ("jwks_uri", .string(path + "/discovery/keys")),
                    ("response_modes_supported", Self.strings(["query", "fragment", "form_post"])),
                    ("subject_types_supported", Self.strings(["pairwise"])),
                    ("id_token_signing_alg_values_supported", Self.strings(["RS256"])),
                    (
                        "response_types_supported",
                        Self.strings(["code", "id_token", "code id_token", "token id_token", "token"])
                    ),
                    ("scopes_supported", Self.strings(["openid"])),
                    ("issuer", .string(issuer)),
                    ("microsoft_multi_refresh_token", .bool(true)),
                    ("authorization_endpoint", .string(path + "/oauth2/authorize")),
                    ("device_authorization_endpoint", .string(path + "/oauth2/devicecode")),
                ] + Self.sharedDiscovery(logout: path + "/oauth2/logout"))
            return call.response.json(status: 200, value: value)
        }
    }

    static let clientAuthMethods = ["client_secret_post", "private_key_jwt", "client_secret_basic"]
    static let claimsSupported = [
        "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud",
        "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash",
        "email",
    ]

    // MARK: Keys

    func keysV2(_ call: Call) -> HandlerOutcome { keys(call, v2: true) }

    func keysV1(_ call: Call) -> HandlerOutcome { keys(call, v2: false) }

    /// The JWKS: the current key (made now if the tenant has none yet) and retired keys still
    /// within their retention, each with `kid`, `x5t`, `n`, `e` and the certificate (`x5c`).
    private func keys(_ call: Call, v2: Bool) -> HandlerOutcome {
        let store = store
        return Self.answer(call) { authority in
            let tenant = try authority.resolve(store)
            _ = try KeyRing.shared.currentKey(of: store)
            let keys = KeyRing.shared.keys(store.publishedSigningKeys).map { key -> JSONValue in
                var members: [(key: String, value: JSONValue)] = [
                    ("kty", .string("RSA")), ("use", .string("sig")), ("kid", .string(key.kid)),
                    ("x5t", .string(key.x5t)), ("n", .string(Base64URL.encode(key.modulus))),
                    ("e", .string(Base64URL.encode(key.exponent))),
                    ("x5c", .array([.string(Data(key.certificate).base64EncodedString())])),
                ]
                if v2 {
                    let issuerTenant = authority.isMultiTenant ? "{tenantid}" : tenant.id
                    members.append(
                        ("issuer", .string(IdentityURLs.issuerV2(base: authority.base, tenantID: issuerTenant))))
                }
                return .object(members)
            }
            return call.response.json(status: 200, value: .object([("keys", .array(keys))]))
        }
    }

    // MARK: User realm

    /// What MSAL asks before a password sign-in: whether the user's domain is managed here
    /// (`Managed`) or unknown (`Unknown`). Never federated.
    func userRealm(_ call: Call) -> HandlerOutcome {
        let store = store
        let username = call.parameter("username")
        return Self.answer(call) { authority in
            _ = try authority.resolve(store)
            let domain = String(username.split(separator: "@", omittingEmptySubsequences: false).last ?? "")
            var known = false
            if !domain.isEmpty && username.contains("@") { known = try store.hasUser(inDomain: domain) }
            let value: JSONValue = .object([
                ("ver", .string("1.0")),
                ("account_type", .string(known ? "Managed" : "Unknown")),
                ("domain_name", .string(domain)),
                ("cloud_instance_name", .string("microsoftonline.com")),
                ("cloud_audience_urn", .string("urn:federation:MicrosoftOnline")),
            ])
            return call.response.json(status: 200, value: value)
        }
    }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
