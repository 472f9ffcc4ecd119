import Foundation
import PhoneStore
import _CryptoExtras

/// Verifies the bearer token of a request against the tenant: an RS256 signature by one of the
/// keys the tenant publishes (named by the header's `kid`, or `x5t`), then `tid`, `aud`, `iss`, the
/// tenant's token epoch (`rh`), `exp`/`nbf` (with five minutes of clock skew), then reads who is
/// calling.
struct TokenVerifier: Sendable {
    static let audiences: Set<String> = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]
    static let clockSkew: Double = 300

    /// The tenant as it is now: a reset can replace the signing keys, a snapshot restore bring back
    /// older ones.
    let currentTenant: @Sendable () -> Tenant
    /// The keys `tenant` publishes now: its own, or the service's.
    let currentKeys: @Sendable (_ tenant: Tenant) -> [SigningKeyRecord]
    /// Reads the keys again from the database, for a token signed by a key this process has not
    /// seen (the command line made the first key while the service ran); at most once a second, so
    /// unknown `kid`s cannot make every request a database read.
    let reloadKeys: (@Sendable () -> [SigningKeyRecord]?)?
    let cache = TokenCache()
    /// Told whether each token was found in the cache (true) or verified (false), for metrics.
    var onCacheLookup: (@Sendable (_ hit: Bool) -> Void)?

    init(tenant: Tenant) {
        currentTenant = { tenant }
        currentKeys = { $0.signingKeys }
        reloadKeys = nil
    }

    init(store: PhoneStore) {
        currentTenant = { store.tenant }
        currentKeys = { tenant in store.publishedSigningKeys(of: tenant) }
        reloadKeys = { (try? store.reloadTenant()).map { _ in store.publishedSigningKeys } }
    }

    static let empty = GraphError.unauthenticated("Access token is empty.")
    static let notAJWT = GraphError.unauthenticated("CompactToken parsing failed with error code: 80049217")
    static let invalid = GraphError.unauthenticated("Access token validation failure.")
    static let lifetime = GraphError.unauthenticated("Lifetime validation failed, the token is expired.")

    /// The caller behind an `Authorization` header value.
    func principal(authorization: String?, now: Double = Date().timeIntervalSince1970) throws(GraphError) -> Principal {
        guard let authorization, let token = Self.bearerToken(authorization) else { throw Self.empty }

        let tenant = currentTenant()
        let keys = currentKeys(tenant)
        if let hit = cache.lookup(token), hit.epoch == nil || hit.epoch == tenant.tokenEpoch,
            KeyRing.verifies(kid: hit.kid, in: keys, now: now)
        {
            onCacheLookup?(true)
            guard now < hit.expires + Self.clockSkew else { throw Self.lifetime }
            if let notBefore = hit.notBefore, now < notBefore - Self.clockSkew { throw Self.lifetime }
            return hit.principal
        }
        onCacheLookup?(false)
        let verified: (header: JSONValue, claims: JSONValue)
        do {
            verified = try JWT.verifyRSA(token, algorithms: ["RS256"]) { header in
                guard let kid = Self.string(header["kid"]) ?? Self.string(header["x5t"]) else { return nil }
                if let key = KeyRing.shared.publicKey(kid: kid, in: keys, now: now) { return key }
                guard let reloaded = reloadIfDue(now: now) else { return nil }
                return KeyRing.shared.publicKey(kid: kid, in: reloaded, now: now)
            }
        } catch .malformed {
            throw Self.notAJWT
        } catch {
            throw Self.invalid
        }
        let claims = verified.claims
        let principal = try principal(claims: claims, tenant: tenant, now: now)
        if case .number(let expires) = claims["exp"],
            let kid = Self.string(verified.header["kid"]) ?? Self.string(verified.header["x5t"])
        {
            var notBefore: Double?
            if case .number(let value) = claims["nbf"] { notBefore = value }
            cache.store(
                token,
                TokenCache.Entry(
                    principal: principal, expires: expires, notBefore: notBefore, kid: kid,
                    epoch: Self.string(claims["rh"])))
        }
        return principal
    }

    private func reloadIfDue(now: Double) -> [SigningKeyRecord]? {
        guard let reloadKeys else { return nil }
        let due = cache.lastReload.withLock { last in
            guard now - last >= 1 else { return false }
            last = now
            return true
        }
        return due ? reloadKeys() : nil
    }

    /// The credentials of `Bearer <token>` (scheme in any case, spaces or tabs around), or nil.
    /// Scanned by hand: this runs on every request, and Foundation's trimming goes through UTF-16.
    static func bearerToken(_ header: String) -> String? {
        let bytes = header.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = bytes.startIndex
        while start < bytes.endIndex, isBlank(bytes[start]) { start = bytes.index(after: start) }
        let scheme = Array("bearer".utf8)
        for expected in scheme {
            guard start < bytes.endIndex, bytes[start] | 0x20 == expected else { return nil }
            start = bytes.index(after: start)
        }
        guard start < bytes.endIndex, isBlank(bytes[start]) else { return nil }
        while start < bytes.endIndex, isBlank(bytes[start]) { start = bytes.index(after: start) }
        var end = bytes.endIndex
        while end > start, isBlank(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        guard start < end else { return nil }
        return String(Substring(header.utf8[start..<end]))
    }

    /// Whether a token's claims were issued since the tenant's last reset: its `rh` is the tenant's
    /// token epoch. A token without `rh` predates epochs, and its key alone decides.
    static func isOfCurrentEpoch(_ claims: JSONValue, tenant: Tenant) -> Bool {
        switch claims["rh"] {
        case .none: true
        case .string(let epoch): epoch == tenant.tokenEpoch
        case .some: false
        }
    }

    func principal(claims: JSONValue, now: Double) throws(GraphError) -> Principal {
        try principal(claims: claims, tenant: currentTenant(), now: now)
    }

    func principal(claims: JSONValue, tenant: Tenant, now: Double) throws(GraphError) -> Principal {
        guard case .string(let tid) = claims["tid"], tid.lowercased() == tenant.id else { throw Self.invalid }
        guard case .string(let audience) = claims["aud"], Self.audiences.contains(audience) else {
            throw Self.invalid  // the spec's one message for a wrong audience or tenant (§ errors)
        }
        // Entra's v1 issuer for the tenant, or a v2 one (`{authority}/{tid}/v2.0`, whatever the host).
        guard case .string(let issuer) = claims["iss"],
            issuer == IdentityURLs.issuerV1(tenantID: tid) || issuer.hasSuffix("/\(tid)/v2.0")
        else { throw Self.invalid }
        guard Self.isOfCurrentEpoch(claims, tenant: tenant) else { throw Self.invalid }
        guard case .number(let expires) = claims["exp"] else { throw Self.invalid }
        guard now < expires + Self.clockSkew else { throw Self.lifetime }
        switch claims["nbf"] {
        case .none: break
        case .number(let notBefore): guard now >= notBefore - Self.clockSkew else { throw Self.lifetime }
        case .some: throw Self.invalid
        }
        let appID = Self.string(claims["appid"]) ?? Self.string(claims["azp"]) ?? ""

        if let scp = claims["scp"] {
            guard case .string(let scopes) = scp, case .string(let oid) = claims["oid"], !oid.isEmpty else {
                throw Self.invalid
            }
            let wids: Set<String>
            switch claims["wids"] {
            case .none: wids = []
            case .array(let values): wids = Set(values.compactMap { Self.string($0)?.lowercased() })
            case .some: throw Self.invalid
            }
            return Principal(
                kind: .delegated(
                    userID: oid.lowercased(), scopes: Set(scopes.split(separator: " ").map(String.init)),
                    roleTemplateIDs: wids),
                appID: appID)
        }
        guard case .array(let values) = claims["roles"] else { throw Self.invalid }
        return Principal(kind: .application(roles: Set(values.compactMap { Self.string($0) })), appID: appID)
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }
}
