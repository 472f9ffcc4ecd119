/// Parses request paths. Segments are split on '/' first and percent-decoded one by one, so an
/// encoded '/' inside a user principal name stays inside its segment. Segment names are matched
/// without regard to case, as Graph does.
enum Router {
    static func route(_ path: String) throws(GraphError) -> Route {
        var raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if raw.last == "" { raw = raw.dropLast() }  // a trailing slash
        let segments = try decode(raw)
        guard let first = segments.first, !first.isEmpty else { throw .segmentNotFound("") }
        guard let version = APIVersion(rawValue: first.lowercased()) else {
            throw .invalidVersion(first)
        }
        var rest = segments.dropFirst()

        if rest.first?.lowercased() == "policies" { return try policyRoute(version, rest.dropFirst()) }
        // `$batch` (or `%24batch`, decoded above) is the whole path after the version.
        if rest.first?.lowercased() == "$batch" {
            if let extra = rest.dropFirst().first { throw .segmentNotFound(extra) }
            return .batch(version)
        }

        let user: UserReference
        switch rest.first.map({ $0.lowercased() }) {
        case "me":
            user = .me
            rest = rest.dropFirst()
        case "users":
            rest = rest.dropFirst()
            guard let key = rest.first, !key.isEmpty else { throw .segmentNotFound("users") }
            user = .user(key)
            rest = rest.dropFirst()
        case .some:
            throw .segmentNotFound(rest.first ?? "")
        case .none:
            throw .segmentNotFound(first)
        }

        guard let authentication = rest.first else {
            throw .segmentNotFound(user == .me ? "me" : "users")
        }
        guard authentication.lowercased() == "authentication" else { throw .segmentNotFound(authentication) }
        rest = rest.dropFirst()

        guard let collectionName = rest.first else { throw .segmentNotFound(authentication) }
        let collection: MethodCollection
        switch collectionName.lowercased() {
        case "phonemethods": collection = .phoneMethods
        case "methods": collection = .methods
        default: throw .segmentNotFound(collectionName)
        }
        rest = rest.dropFirst()

        var route = PhoneRoute(version: version, user: user, collection: collection)
        if let id = rest.first {
            guard !id.isEmpty else { throw .segmentNotFound(collectionName) }
            route.methodID = id
            rest = rest.dropFirst()
        }
        if let actionName = rest.first {
            // Accept the namespace-qualified spelling Microsoft's SDKs may send.
            var name = actionName
            if name.lowercased().hasPrefix("microsoft.graph.") {
                name = String(name.dropFirst("microsoft.graph.".count))
            }
            guard let action = PhoneAction.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() })
            else {
                throw .segmentNotFound(actionName)
            }
            route.action = action
            rest = rest.dropFirst()
        }
        if let extra = rest.first { throw .segmentNotFound(extra) }
        return .phone(route)
    }

    /// `policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms`: the only
    /// policy phone-service emulates.
    private static func policyRoute(_ version: APIVersion, _ rest: ArraySlice<String>) throws(GraphError) -> Route {
        let expected = ["authenticationmethodspolicy", "authenticationmethodconfigurations", "sms"]
        var previous = "policies"
        for (index, name) in expected.enumerated() {
            guard rest.count > index else { throw .segmentNotFound(previous) }
            let segment = rest[rest.startIndex + index]
            guard segment.lowercased() == name else { throw .segmentNotFound(segment) }
            previous = segment
        }
        if rest.count > expected.count { throw .segmentNotFound(rest[rest.startIndex + expected.count]) }
        return .smsPolicy(version)
    }

    /// Each segment percent-decoded on its own; a segment that does not decode is a 400 naming it.
    static func decode<Segments: Sequence<Substring>>(_ segments: Segments) throws(GraphError) -> [String] {
        var decoded: [String] = []
        for segment in segments {
            guard let text = PercentEncoding.decode(segment) else {
                throw .badRequest("The path segment '\(segment)' is not valid percent-encoding.")
            }
            decoded.append(text)
        }
        return decoded
    }
}
