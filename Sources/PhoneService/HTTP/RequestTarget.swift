import PhoneStore

/// A request's path and query as every part of the service reads them: the path as sent (what
/// logs and the journal show), its segments split on '/' and percent-decoded once, each on its own
/// (an encoded '/' stays inside its segment), and the query's names and values decoded. The HTTP
/// server and `$batch` both make their requests' targets here.
struct RequestTarget: Sendable {
    /// The path exactly as sent, percent-encoding kept, without the query.
    let path: String
    /// The segments after the leading '/', decoded; one trailing slash is dropped. A segment that is
    /// not valid percent-encoding is kept as sent, and named by `undecodable`.
    let segments: [String]
    /// The first segment that is not valid percent-encoding, as sent.
    let undecodable: String?
    /// Query parameters in order, names and values percent-decoded ('+' is a space); a parameter
    /// that does not decode is kept as sent, and refused as unknown by whoever reads it.
    let query: [(name: String, value: String)]

    /// `rawQuery`: the query's parameters as sent (libmicrohttpd splits them, without unescaping).
    init(path: String, rawQuery: [(name: Substring, value: Substring)]) {
        self.init(path: path, query: rawQuery.map { (Self.decodeQuery($0.name), Self.decodeQuery($0.value)) })
    }

    /// A target whose query is decoded already.
    init(path: String, query: [(name: String, value: String)]) {
        self.path = path
        self.query = query
        var raw = Self.split(path).dropFirst()
        if raw.count > 1 && raw.last == "" { raw = raw.dropLast() }  // a trailing slash
        if raw.count == 1 && raw.first == "" { raw = [] }  // "/" alone
        var segments: [String] = []
        segments.reserveCapacity(raw.count)
        var undecodable: String?
        for segment in raw {
            if let decoded = PercentEncoding.decode(segment) {
                segments.append(decoded)
            } else {
                segments.append(String(segment))
                if undecodable == nil { undecodable = String(segment) }
            }
        }
        self.segments = segments
        self.undecodable = undecodable
    }

    /// A request target as written in a `$batch` request's `url` (path, then an optional `?query`
    /// and `#fragment`).
    init(parsing target: Substring) {
        let pathPart = target.prefix(while: { $0 != "?" && $0 != "#" })
        var queryPart = target.dropFirst(pathPart.count)
        queryPart = queryPart.first == "?" ? queryPart.dropFirst().prefix(while: { $0 != "#" }) : ""
        let raw = queryPart.split(separator: "&").map { parameter -> (name: Substring, value: Substring) in
            let name = parameter.prefix(while: { $0 != "=" })
            return (name: name, value: parameter.dropFirst(name.count).dropFirst())
        }
        self.init(path: String(pathPart), rawQuery: raw)
    }

    /// The path with its segments decoded (undecodable ones as sent): what fault rules match,
    /// written with plain user principal names.
    var decodedPath: String {
        "/" + segments.joined(separator: "/")
    }

    private static func decodeQuery(_ text: Substring) -> String {
        PercentEncoding.decode(text, plusIsSpace: true) ?? String(text)
    }

    /// The path split on the byte '/', empty segments kept: "/a//b/" is "", "a", "", "b", "". The
    /// '/'s are found in the contiguous UTF-8: walking `String.UTF8View`'s indices costs more, and a
    /// character-wise split runs grapheme breaking over the whole path.
    static func split(_ path: String) -> [Substring] {
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
}
