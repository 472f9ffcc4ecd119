/// Routes as `(method, pattern) → handler`, kept as a tree of path segments. Matching a path finds
/// the handlers of its pattern and the pattern's parameters, or the segment that matched nothing;
/// `404`, `405` and `Allow` follow from what the table holds, never from a second list.
///
/// Patterns are written like `/v1.0/users/{user}/authentication/phoneMethods`: a literal segment
/// matches without regard to ASCII case, as Graph does; `{name}` matches any non-empty segment; a
/// literal written `~name` also matches `microsoft.graph.name` (an action's qualified spelling).
struct RouteTable<Handler: Sendable>: Sendable {
    private enum Segment: Sendable, Equatable {
        case literal(String)
        case action(String)
        case parameter(String)

        var parameterName: String? {
            if case .parameter(let name) = self { return name }
            return nil
        }
    }

    private struct Node: Sendable {
        /// The pattern that ends here, as written (for tests and messages).
        var pattern = ""
        var children: [(segment: Segment, node: Int)] = []
        /// Methods in the order they were added: the order `Allow` lists them in.
        var handlers: [(method: String, handler: Handler)] = []
    }

    /// The routes of one matched pattern.
    struct Match: Sendable {
        /// The pattern as written when it was added.
        var pattern: String
        /// The pattern's `{name}` segments as sent (decoded).
        var parameters: [String: String]
        var handlers: [(method: String, handler: Handler)]

        /// The handler for `method`, or nil (a `405` then, with `allowed`).
        func handler(for method: String) -> Handler? {
            handlers.first(where: { $0.method == method })?.handler
        }

        var allowed: [String] { handlers.map(\.method) }
    }

    /// Why a path matched no pattern.
    struct Miss: Error, Equatable {
        /// The segment Graph names in "Resource not found for the segment '…'": the first one that
        /// matched nothing, or, when the path stopped short of a route (or a parameter segment was
        /// empty), the last literal segment on the way.
        var segment: String
        /// How many segments matched before the miss.
        var depth: Int
    }

    private var nodes = [Node()]

    /// Adds `handler` for `method` on `pattern`.
    mutating func add(_ method: String, _ pattern: String, _ handler: Handler) {
        var node = 0
        // Split as an array of bytes: every tenant that opens builds its table, and a String splits
        // by grapheme cluster, which these ASCII patterns do not need.
        let text = Array(pattern.utf8)
        var segments: [ArraySlice<UInt8>] = []
        var start = 0
        for end in 0...text.count where end == text.count || text[end] == UInt8(ascii: "/") {
            if end > start { segments.append(text[start..<end]) }
            start = end + 1
        }
        for bytes in segments {
            let segment: Segment =
                if bytes.first == UInt8(ascii: "{") && bytes.last == UInt8(ascii: "}") {
                    .parameter(String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self))
                } else if bytes.first == UInt8(ascii: "~") {
                    .action(String(decoding: bytes.dropFirst(), as: UTF8.self).lowercased())
                } else {
                    .literal(String(decoding: bytes, as: UTF8.self).lowercased())
                }
            if let existing = nodes[node].children.first(where: { $0.segment == segment }) {
                node = existing.node
            } else {
                nodes.append(Node())
                nodes[node].children.append((segment, nodes.count - 1))
                node = nodes.count - 1
            }
        }
        nodes[node].pattern = pattern
        nodes[node].handlers.append((method, handler))
    }

    /// Lets `update` change every handler, knowing its pattern (as written) and method.
    mutating func updateHandlers(_ update: (_ pattern: String, _ method: String, inout Handler) -> Void) {
        for node in nodes.indices {
            for index in nodes[node].handlers.indices {
                update(nodes[node].pattern, nodes[node].handlers[index].method, &nodes[node].handlers[index].handler)
            }
        }
    }

    /// The routes of the pattern `segments` match (decoded segments, as `RequestTarget` has them).
    func match(_ segments: [String]) -> Result<Match, Miss> {
        var node = 0
        var parameters: [String: String] = [:]
        var lastLiteral = ""
        for (depth, segment) in segments.enumerated() {
            let children = nodes[node].children
            // A literal (or an action's name) wins over a parameter.
            if let literal = children.first(where: { Self.matches($0.segment, segment) }) {
                lastLiteral = segment
                node = literal.node
            } else if let parameter = children.first(where: { $0.segment.parameterName != nil }),
                let name = parameter.segment.parameterName
            {
                // An empty segment where a key belongs names the literal before it, as Graph does.
                guard !segment.isEmpty else { return .failure(Miss(segment: lastLiteral, depth: depth)) }
                parameters[name] = segment
                node = parameter.node
            } else {
                return .failure(Miss(segment: segment, depth: depth))
            }
        }
        guard !nodes[node].handlers.isEmpty else { return .failure(Miss(segment: lastLiteral, depth: segments.count)) }
        return .success(Match(pattern: nodes[node].pattern, parameters: parameters, handlers: nodes[node].handlers))
    }

    private static func matches(_ pattern: Segment, _ segment: String) -> Bool {
        switch pattern {
        case .literal(let name): segment.equalsIgnoringASCIICase(name)
        case .action(let name): isAction(segment, named: name)
        case .parameter: false
        }
    }

    /// `name` or `microsoft.graph.name`, without regard to ASCII case.
    private static func isAction(_ segment: String, named name: String) -> Bool {
        if segment.equalsIgnoringASCIICase(name) { return true }
        let namespace = "microsoft.graph."
        guard segment.utf8.count == namespace.utf8.count + name.utf8.count else { return false }
        return Substring(segment.utf8.prefix(namespace.utf8.count)).equalsIgnoringASCIICase(namespace)
            && Substring(segment.utf8.dropFirst(namespace.utf8.count)).equalsIgnoringASCIICase(name)
    }
}
