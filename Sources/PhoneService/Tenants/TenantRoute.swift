import PhoneStore

/// Which tenant a request is for (docs/tenants.md), decided before any pipeline sees it:
/// - `/_admin/...`: the tenant whose admin key is the bearer; `/_admin/tenants...` is the operator's;
/// - Graph: the token's `tid`, read before the signature is checked (the tenant's own keys check
///   it); a `tid` that names no tenant is refused as Graph refuses a token it cannot validate;
/// - sign-in (`/{tenant}/...`): a tenant id in the path; domains, `common` and `organizations`
///   resolve in the default tenant;
/// - `/metrics`: the service's, opened by the default tenant's admin key or the operator key;
/// - anything else (probes, the dashboard's pages, tokens without `tid`): the default tenant.
enum TenantRoute {
    case tenant(TenantRuntime)
    case operatorRoutes
    /// `/_admin/tenants/{id}/rest` with the operator key: tenant `id`'s `/_admin/rest` (and
    /// `/metrics` with the operator key, as it was sent); the key was checked here.
    case forwarded(TenantRuntime, HTTPRequest)
    case refused(GraphError)

    init(_ request: HTTPRequest, tenants: TenantDirectory) throws {
        let segments = request.target.segments
        let bearer = request.header("authorization").flatMap(TokenVerifier.bearerToken)
        switch RouteFamily(request.target) {
        case .admin:
            if segments.count >= 2 && segments[1] == "tenants" {
                // A tenant's own routes under the operator's prefix; the rest (and a wrong key) is
                // the operator pipeline's to answer or refuse.
                if segments.count >= 4, let bearer, RequestPipeline.keysMatch(bearer, tenants.operatorKey),
                    let runtime = try tenants.runtime(segments[2].lowercased())
                {
                    self = .forwarded(runtime, Self.strip(request))
                } else {
                    self = .operatorRoutes
                }
            } else if let bearer, let id = tenants.tenantID(adminKey: bearer), let runtime = try tenants.runtime(id) {
                self = .tenant(runtime)
            } else {
                self = .tenant(tenants.defaultTenant)
            }
        case .graph:
            guard !tenants.isEmpty, let bearer,
                let tid = tenants.tenantOfToken.tenantID(bearer, decode: Self.unverifiedTenantID),
                tid != tenants.defaultTenant.store.tenant.id
            else {
                self = .tenant(tenants.defaultTenant)
                return
            }
            if let runtime = try tenants.runtime(tid) {
                self = .tenant(runtime)
            } else {
                self = .refused(TokenVerifier.invalid)
            }
        case .identity:
            let segment = segments[0].lowercased()
            if TenantPaths.isValidID(segment), let runtime = try tenants.runtime(segment) {
                self = .tenant(runtime)
            } else {
                self = .tenant(tenants.defaultTenant)
            }
        case .metrics:
            // The scrape covers the whole service: the default tenant's admin key or the operator key.
            if let bearer, RequestPipeline.keysMatch(bearer, tenants.operatorKey) {
                self = .forwarded(tenants.defaultTenant, request)
            } else {
                self = .tenant(tenants.defaultTenant)
            }
        case .health, .dashboard:
            self = .tenant(tenants.defaultTenant)
        }
    }

    /// The token's `tid`, without checking anything else; nil when it is not a JWT with one.
    static func unverifiedTenantID(_ token: String) -> String? {
        guard token.utf8.count <= JWT.maxLength, let claims = try? JWT.decode(token).claims,
            case .string(let tid)? = claims["tid"]
        else { return nil }
        return tid.lowercased()
    }

    /// `/_admin/tenants/{id}/rest?query` as `/_admin/rest?query`, the rest of the request as sent.
    static func strip(_ request: HTTPRequest) -> HTTPRequest {
        var raw = request.path.split(separator: "/", omittingEmptySubsequences: false)
        // ["", "_admin", "tenants", id, ...]
        raw.removeSubrange(2..<min(4, raw.count))
        var forwarded = HTTPRequest(
            method: request.method, target: RequestTarget(path: raw.joined(separator: "/"), query: request.query),
            headers: request.headers, body: request.body)
        forwarded.isTLS = request.isTLS
        forwarded.batchID = request.batchID
        return forwarded
    }
}
