import PhoneStore

/// The authority a sign-in request addressed: the service's base URL as the client reached it, and
/// the `{tenant}` segment as sent.
struct Authority: Sendable {
    let base: String
    let tenantSegment: String

    init(_ call: Call) {
        base = IdentityURLs.base(for: call.request)
        tenantSegment = call.parameter("tenant")
    }

    /// `common` and `organizations`: the tenant of whoever signs in (here there is one tenant).
    var isMultiTenant: Bool {
        let lower = tenantSegment.lowercased()
        return lower == "common" || lower == "organizations"
    }

    /// The tenant the segment names: the tenant id, `common`, `organizations`, or a domain name
    /// that some user's principal name is in (docs/sign-in.md); otherwise Entra's AADSTS90002.
    func resolve(_ store: PhoneStore, error: String = "invalid_tenant") throws -> Tenant {
        let tenant = store.tenant
        let lower = tenantSegment.lowercased()
        if lower == tenant.id || isMultiTenant { return tenant }
        let domainLike =
            lower.contains(".") && lower.utf8.count <= 253
            && lower.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D
            }
        if domainLike, try store.hasUser(inDomain: lower) { return tenant }
        throw EntraError.unknownTenant(tenantSegment, error: error)
    }

    /// The tenant as endpoint URLs name it: `common`/`organizations` as sent, else the tenant id.
    func pathTenant(_ tenant: Tenant) -> String { isMultiTenant ? tenantSegment.lowercased() : tenant.id }
}
