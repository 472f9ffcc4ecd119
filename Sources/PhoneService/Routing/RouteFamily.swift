/// Which part of the service a path belongs to, told by its first segment: it decides who may call
/// (a Graph token, the admin key, anyone), whether the request is journaled, and how a path that
/// matches no route is refused.
enum RouteFamily: Sendable {
    /// `/v1.0/...` and `/beta/...` (and any other path: Graph refuses it in its own words).
    case graph
    /// `/_admin/...`: the test tenant's controls, opened by the admin key.
    case admin
    /// `/healthz`: for probes, without credentials.
    case health
    /// `/{tenant}/...`: sign-in as Entra ID answers it (discovery, keys, the token endpoint), for
    /// anyone; refusals in Entra's error shape. Told by the second segment, which no Graph path has.
    case identity
    /// `/metrics`: Prometheus' scrape, opened by the admin key (the operator key, with tenants).
    case metrics
    /// `/_admin/ui/...`: the dashboard's pages, for anyone (they hold no data; they call the admin
    /// API with the key the person signs in with).
    case dashboard

    static let adminPrefix = "_admin"
    /// The second segments of sign-in paths (`/{tenant}/oauth2/...`, `/common/userrealm/...`).
    static let identitySegments: Set<String> = ["v2.0", "oauth2", "discovery", ".well-known", "userrealm"]

    init(_ target: RequestTarget) {
        let segments = target.segments
        switch segments.first {
        case Self.adminPrefix:
            self = segments.count >= 2 && segments[1] == DashboardHandler.segment ? .dashboard : .admin
        case "healthz" where segments.count == 1: self = .health
        case "metrics" where segments.count == 1: self = .metrics
        default:
            self = segments.count >= 2 && Self.identitySegments.contains(segments[1].lowercased()) ? .identity : .graph
        }
    }

    /// The root segments of Graph's own routes: any other first segment is a version Graph does not
    /// know (the table's `{tenant}` parameter matches it before the miss).
    private static let graphRoots = ["v1.0", "beta", "healthz"]

    /// The journal keeps Graph requests; probes and the operator's own traffic (which includes
    /// reading the journal) are left out [choice].
    var isJournaled: Bool { self == .graph }

    /// The admin API checks its key before it tells which paths exist; Graph refuses a path it
    /// does not know before it looks at the token, as Graph does.
    var authenticatesBeforeRouting: Bool { self == .admin || self == .metrics }

    /// The refusal of a path that matched no route.
    func error(_ miss: RouteTable<Endpoint>.Miss, method: String, target: RequestTarget) -> GraphError {
        switch self {
        case .identity:
            return GraphError.itemNotFound("No sign-in endpoint here.")
        case .admin, .dashboard, .metrics:
            return GraphError.itemNotFound(
                "No admin endpoint \(method) /\(target.segments.joined(separator: "/")); "
                    + "see the admin API in docs/testing-with-phone-service.md.")
        case .graph, .health:
            // The first segment names the version: a miss there is an unknown version.
            if miss.depth == 0 && !miss.segment.isEmpty { return .invalidVersion(miss.segment) }
            if let first = target.segments.first, !first.isEmpty,
                !Self.graphRoots.contains(where: { first.equalsIgnoringASCIICase($0) })
            {
                return .invalidVersion(first)
            }
            return .segmentNotFound(miss.segment)
        }
    }

    /// A segment that is not valid percent-encoding.
    static func undecodable(_ segment: String) -> GraphError {
        .badRequest("The path segment '\(segment)' is not valid percent-encoding.")
    }
}
