extension JSONParser.Cursor {
    /// Parses a string literal starting at its opening quote. Runs without escapes are validated in
    /// place and copied in one go; a scratch buffer is only allocated once an escape shows up.
    mutating func parseString() throws(JSONError) -> String {
        let openingQuote = index
        index += 1
        var runStart = index
        var unescaped: [UInt8]? = nil
        while index < input.count {
            let byte = input[index]
            switch byte {
            case JSONByte.quote:
                let run = UnsafeBufferPointer(rebasing: input[runStart..<index])
                index += 1
                guard var buffer = unescaped else { return String(decoding: run, as: UTF8.self) }
                buffer.append(contentsOf: run)
                return String(decoding: buffer, as: UTF8.self)
            case JSONByte.backslash:
                // Moving the buffer out of the optional keeps it uniquely referenced, so appending does
                // not copy it on every escape.
                var buffer = unescaped ?? []
                unescaped = nil
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                try parseEscape(into: &buffer)
                unescaped = buffer
                runStart = index
            case 0x00..<0x20:
                throw JSONError("control characters in strings must be escaped.", at: index)
            case 0x20..<0x80:
                index += 1
            default:
                guard let length = utf8SequenceLength(at: index) else { throw JSONError("invalid UTF-8.", at: index) }
                index += length
            }
        }
        throw JSONError("unterminated string.", at: openingQuote)
    }

    /// Decodes the escape sequence at the read position (a backslash) and appends its UTF-8 bytes.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONError) {
        let escapeStart = index
        index += 1
        guard let letter = current else { throw JSONError("unterminated string.", at: escapeStart) }
        index += 1
        switch letter {
        case JSONByte.quote, JSONByte.backslash, JSONByte.slash: buffer.append(letter)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexQuad(escapeStart: escapeStart)
            switch unit {
            case 0xD800..<0xDC00:
                // A high surrogate is only meaningful when a \u low surrogate follows immediately.
                let lowStart = index
                guard current == JSONByte.backslash, index + 1 < input.count, input[index + 1] == UInt8(ascii: "u")
                else {
                    throw JSONError("unpaired UTF-16 surrogate in a \\u escape.", at: escapeStart)
                }
                index += 2
                let low = try hexQuad(escapeStart: lowStart)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw JSONError("unpaired UTF-16 surrogate in a \\u escape.", at: escapeStart)
                }
                appendUTF8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), to: &buffer)
            case 0xDC00..<0xE000:
                throw JSONError("unpaired UTF-16 surrogate in a \\u escape.", at: escapeStart)
            default:
                appendUTF8(unit, to: &buffer)
            }
        default:
            throw JSONError("invalid escape sequence in a string.", at: escapeStart)
        }
    }

    /// Reads the four hex digits of a \u escape at the read position.
    private mutating func hexQuad(escapeStart: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw JSONError("unterminated string.", at: escapeStart) }
            let digit: UInt8
            switch byte {
            case JSONByte.zero...JSONByte.nine: digit = byte - JSONByte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONError("a \\u escape needs four hexadecimal digits.", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Appends the UTF-8 encoding of a scalar value already known to be valid (not a surrogate,
    /// at most U+10FFFF), which holds for everything a \u escape or surrogate pair can produce.
    private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The length of the well-formed UTF-8 sequence starting at `start` (a byte >= 0x80), or nil if
    /// it is ill-formed. Follows Table 3-7 of the Unicode standard, so overlong forms, encoded
    /// surrogates, values above U+10FFFF and truncated sequences are all rejected.
    func utf8SequenceLength(at start: Int) -> Int? {
        let lead = input[start]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, secondRange) = (3, 0x80...0x9F)
        case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
        default: return nil
        }
        guard input.count - start >= length, secondRange.contains(input[start + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(input[start + offset]) {
            return nil
        }
        return length
    }
}
