import PhoneStore

/// Parses request paths. Segments are split on '/' first and percent-decoded one by one, so an
/// encoded '/' inside a user principal name stays inside its segment. Segment names are matched
/// without regard to case, as Graph does.
enum Router {
    static func route(_ path: String) throws(GraphError) -> Route {
        // Split on the byte '/' (never part of a longer UTF-8 sequence), not on characters: a
        // character-wise split runs grapheme breaking over the whole path.
        var raw = segments(of: path).dropFirst()
        if raw.last == "" { raw = raw.dropLast() }  // a trailing slash
        let segments = try decode(raw)
        guard let first = segments.first, !first.isEmpty else { throw .segmentNotFound("") }
        guard let version = APIVersion.allCases.first(where: { first.equalsIgnoringASCIICase($0.rawValue) }) else {
            throw .invalidVersion(first)
        }
        var rest = segments.dropFirst()

        if rest.first?.equalsIgnoringASCIICase("policies") == true { return try policyRoute(version, rest.dropFirst()) }
        // `$batch` (or `%24batch`, decoded above) is the whole path after the version.
        if rest.first?.equalsIgnoringASCIICase("$batch") == true {
            if let extra = rest.dropFirst().first { throw .segmentNotFound(extra) }
            return .batch(version)
        }

        let user: UserReference
        guard let userSegment = rest.first else { throw .segmentNotFound(first) }
        if userSegment.equalsIgnoringASCIICase("me") {
            user = .me
            rest = rest.dropFirst()
        } else if userSegment.equalsIgnoringASCIICase("users") {
            rest = rest.dropFirst()
            guard let key = rest.first, !key.isEmpty else { throw .segmentNotFound("users") }
            user = .user(key)
            rest = rest.dropFirst()
        } else {
            throw .segmentNotFound(userSegment)
        }

        guard let authentication = rest.first else {
            throw .segmentNotFound(user == .me ? "me" : "users")
        }
        guard authentication.equalsIgnoringASCIICase("authentication") else { throw .segmentNotFound(authentication) }
        rest = rest.dropFirst()

        guard let collectionName = rest.first else { throw .segmentNotFound(authentication) }
        let collection: MethodCollection
        if collectionName.equalsIgnoringASCIICase("phoneMethods") {
            collection = .phoneMethods
        } else if collectionName.equalsIgnoringASCIICase("methods") {
            collection = .methods
        } else {
            throw .segmentNotFound(collectionName)
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
            var name = Substring(actionName)
            let namespace = "microsoft.graph."
            if name.utf8.count > namespace.utf8.count,
                Substring(name.utf8.prefix(namespace.utf8.count)).equalsIgnoringASCIICase(namespace)
            {
                name = name.dropFirst(namespace.count)
            }
            guard let action = PhoneAction.allCases.first(where: { name.equalsIgnoringASCIICase($0.rawValue) })
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
            guard segment.equalsIgnoringASCIICase(name) else { throw .segmentNotFound(segment) }
            previous = segment
        }
        if rest.count > expected.count { throw .segmentNotFound(rest[rest.startIndex + expected.count]) }
        return .smsPolicy(version)
    }

    /// The path split on the byte '/', empty segments kept: "/a//b/" is "", "a", "", "b", "".
    /// The '/'s are found in the contiguous UTF-8 first: walking `String.UTF8View`'s indices cost
    /// three times as many instructions (callgrind).
    static func segments(of path: String) -> [Substring] {
        let cuts = path.withContiguousUTF8 { bytes in bytes.indices.filter { bytes[$0] == UInt8(ascii: "/") } }
        var segments: [Substring] = []
        segments.reserveCapacity(cuts.count + 1)
        var start = path.utf8.startIndex
        for offset in cuts {
            let cut = path.utf8.index(path.utf8.startIndex, offsetBy: offset)
            segments.append(path[start..<cut])
            start = path.utf8.index(after: cut)
        }
        segments.append(path[start...])
        return segments
    }

    /// Each segment percent-decoded on its own; a segment that does not decode is a 400 naming it.
    static func decode<Segments: Sequence<Substring>>(_ segments: Segments) throws(GraphError) -> [String] {
        var decoded: [String] = []
        decoded.reserveCapacity(segments.underestimatedCount)
        for segment in segments {
            guard let text = PercentEncoding.decode(segment) else {
                throw .badRequest("The path segment '\(segment)' is not valid percent-encoding.")
            }
            decoded.append(text)
        }
        return decoded
    }
}
