/// A strict RFC 8259 parser for request bodies.
///
/// It accepts exactly one JSON value surrounded by optional whitespace and rejects everything the
/// RFC leaves to implementations in the direction of safety: invalid UTF-8, lone surrogates,
/// duplicate property names, numbers that overflow a Double and nesting deeper than `maxDepth`.
/// It never traps on any input, so it is safe to run on untrusted bytes and under a fuzzer.
enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; the top-level container is depth 1.
    /// Bounding it keeps the recursive descent far away from the end of the stack.
    static let maxDepth = 64

    /// Parses a complete document. Contiguous collections (`[UInt8]`, `ArraySlice`, `Data`,
    /// `String.UTF8View`) are read in place; other collections are copied once.
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer: buffer) }
        }
        if let inPlace { return try inPlace.get() }
        return try parse(Array(bytes))
    }

    /// Parses a document held in raw memory, such as a body buffer handed over by the HTTP server.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        try parse(buffer: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Parses the UTF-8 encoding of `text`; mostly a convenience for tests.
    static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(text.utf8)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        guard !buffer.isEmpty else { throw .emptyBody }
        var cursor = Cursor(input: buffer)
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == buffer.count else { throw cursor.unexpected("the end of the body after the JSON value") }
        return value
    }
}

/// Byte values the grammar cares about, named so the switch statements read like the RFC.
enum JSONByte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let slash: UInt8 = 0x2F  // /
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let lowerE: UInt8 = 0x65  // e
    static let upperE: UInt8 = 0x45  // E
}

extension JSONParser {
    /// The parsing state: the input and a read position. Every read is guarded by `index < input.count`
    /// because the buffer's own bounds checks are compiled out in release builds.
    struct Cursor {
        let input: UnsafeBufferPointer<UInt8>
        var index = 0

        /// Objects with more members than this detect duplicates with a hash set instead of a linear
        /// scan, so a body with thousands of members costs O(n) rather than O(n²).
        static let linearDuplicateScanLimit = 16

        mutating func skipWhitespace() {
            while index < input.count {
                switch input[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// The byte at the read position, or nil at the end of the input.
        var current: UInt8? { index < input.count ? input[index] : nil }

        /// The error for finding something other than `expectation` at the read position. Stray
        /// non-ASCII bytes that are not even valid UTF-8 are reported as such, since that is the more
        /// useful diagnosis (a body in Latin-1, say).
        func unexpected(_ expectation: String) -> JSONError {
            guard let byte = current else {
                return JSONError("unexpected end of input, expected \(expectation).", at: index)
            }
            if byte >= 0x80 && utf8SequenceLength(at: index) == nil {
                return JSONError("invalid UTF-8.", at: index)
            }
            return JSONError("expected \(expectation).", at: index)
        }

        /// Parses one value after optional whitespace. `depth` is the number of enclosing containers.
        mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
            skipWhitespace()
            guard let byte = current else { throw unexpected("a value") }
            switch byte {
            case JSONByte.openBrace: return try parseObject(depth: depth + 1)
            case JSONByte.openBracket: return try parseArray(depth: depth + 1)
            case JSONByte.quote: return .string(try parseString())
            case JSONByte.minus, JSONByte.zero...JSONByte.nine: return .number(try parseNumber())
            case UInt8(ascii: "t"): return try parseLiteral("true", as: .bool(true))
            case UInt8(ascii: "f"): return try parseLiteral("false", as: .bool(false))
            case UInt8(ascii: "n"): return try parseLiteral("null", as: .null)
            default: throw unexpected("a value")
            }
        }

        private mutating func parseLiteral(_ word: StaticString, as value: JSONValue) throws(JSONError) -> JSONValue {
            let length = word.utf8CodeUnitCount
            guard input.count - index >= length else { throw unexpected("a value") }
            for offset in 0..<length where input[index + offset] != word.utf8Start[offset] {
                throw unexpected("a value")
            }
            index += length
            return value
        }

        private func checkDepth(_ depth: Int) throws(JSONError) {
            guard depth <= JSONParser.maxDepth else {
                throw JSONError(
                    "arrays and objects are nested more than \(JSONParser.maxDepth) levels deep.", at: index)
            }
        }

        private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
            try checkDepth(depth)
            index += 1  // [
            skipWhitespace()
            if current == JSONByte.closeBracket {
                index += 1
                return .array([])
            }
            var elements: [JSONValue] = []
            while true {
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                switch current {
                case JSONByte.closeBracket:
                    index += 1
                    return .array(elements)
                case JSONByte.comma:
                    index += 1
                    skipWhitespace()
                    if current == JSONByte.closeBracket { throw JSONError("trailing comma before ']'.", at: index) }
                default:
                    throw unexpected("',' or ']' after an array element")
                }
            }
        }

        private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
            try checkDepth(depth)
            index += 1  // {
            skipWhitespace()
            if current == JSONByte.closeBrace {
                index += 1
                return .object([])
            }
            var members: [(key: String, value: JSONValue)] = []
            var keys = Set<String>()
            while true {
                guard current == JSONByte.quote else { throw unexpected("a property name in double quotes") }
                let keyOffset = index
                let key = try parseString()
                // Keys are compared with String ==, i.e. up to Unicode canonical equivalence, which is
                // also how JSONValue's subscript looks them up: two keys it could not tell apart are
                // ambiguous, so they count as duplicates.
                let isDuplicate: Bool
                if members.count < Self.linearDuplicateScanLimit {
                    isDuplicate = members.contains { $0.key == key }
                } else {
                    if keys.isEmpty { keys = Set(members.map(\.key)) }
                    isDuplicate = !keys.insert(key).inserted
                }
                if isDuplicate {
                    throw JSONError("duplicate property '\(JSONParser.excerpt(key))'.", at: keyOffset)
                }
                skipWhitespace()
                guard current == JSONByte.colon else { throw unexpected("':' after a property name") }
                index += 1
                members.append((key: key, value: try parseValue(depth: depth)))
                skipWhitespace()
                switch current {
                case JSONByte.closeBrace:
                    index += 1
                    return .object(members)
                case JSONByte.comma:
                    index += 1
                    skipWhitespace()
                    if current == JSONByte.closeBrace { throw JSONError("trailing comma before '}'.", at: index) }
                default:
                    throw unexpected("',' or '}' after an object member")
                }
            }
        }
    }

    /// A property name made safe to quote in an error message: control and bidi-format characters
    /// would garble logs, and a megabyte-long name would make the message itself a problem.
    static func excerpt(_ key: String) -> String {
        let limit = 64
        var result = ""
        for (count, scalar) in key.unicodeScalars.enumerated() {
            if count == limit {
                result += "…"
                break
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: result += "?"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
