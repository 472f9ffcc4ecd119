/// Builds compact JSON (no insignificant whitespace) into a byte buffer.
///
/// Responses are assembled by hand with the structural calls, which insert the commas between
/// members and elements themselves:
///
///     var w = JSONWriter()
///     w.beginObject()
///     w.key("id"); w.string("abc")
///     w.key("n"); w.null()
///     w.endObject()            // {"id":"abc","n":null}
///
/// The `append…` calls write exactly what they are given and leave the comma bookkeeping alone;
/// they are the building blocks for the structural calls and for splicing in trusted fragments.
struct JSONWriter: Sendable {
    var bytes: [UInt8]
    /// Whether the next value or key continues a container that already has something in it.
    private var needsComma = false

    init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    mutating func beginObject() {
        separate()
        bytes.append(JSONByte.openBrace)
    }

    mutating func endObject() {
        bytes.append(JSONByte.closeBrace)
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(JSONByte.openBracket)
    }

    mutating func endArray() {
        bytes.append(JSONByte.closeBracket)
        needsComma = true
    }

    /// Writes a member name and its colon; the next call supplies the member's value.
    mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(JSONByte.colon)
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
        needsComma = true
    }

    mutating func number(_ value: Double) {
        separate()
        appendNumber(value)
        needsComma = true
    }

    mutating func number(_ value: Int) {
        separate()
        appendInteger(Int64(value))
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        appendRaw(value ? "true" : "false")
        needsComma = true
    }

    mutating func null() {
        separate()
        appendRaw("null")
        needsComma = true
    }

    /// Writes `value` as one value, a whole subtree at a time.
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    /// Starts the next member or element with a comma if the container already has one. Afterwards
    /// no comma is pending: a key is followed by its value, and a new container starts out empty.
    private mutating func separate() {
        if needsComma { bytes.append(JSONByte.comma) }
        needsComma = false
    }

    // MARK: Raw output

    /// Appends text verbatim; the caller vouches that it is valid JSON in context.
    mutating func appendRaw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends text verbatim; the caller vouches that it is valid JSON in context.
    mutating func appendRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `text` as a quoted string literal. Only '"', '\' and control characters are escaped:
    /// '/' and non-ASCII characters go out as their UTF-8 bytes, which every JSON reader accepts.
    mutating func appendString(_ text: String) {
        // Contiguous UTF-8 (native strings already are): scanned and copied as a buffer.
        text.withContiguousUTF8 { appendString(utf8: $0) }
    }

    /// The same for UTF-8 bytes.
    mutating func appendString(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(JSONByte.quote)
        if !ByteScan.contains(below: 0x20, or: JSONByte.quote, or: JSONByte.backslash, in: utf8) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                guard Self.needsEscape(byte) else {
                    bytes.append(byte)
                    continue
                }
                bytes.append(JSONByte.backslash)
                switch byte {
                case JSONByte.quote, JSONByte.backslash: bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    appendRaw("u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
        }
        bytes.append(JSONByte.quote)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == JSONByte.quote || byte == JSONByte.backslash
    }

    /// Appends a number. Integral values within ±2^53 (where every integer is exact) print without
    /// a fraction, like "3"; anything else uses Swift's shortest round-tripping form, which is always
    /// valid JSON for finite values. JSON has no infinity or NaN, so those print as null.
    mutating func appendNumber(_ value: Double) {
        guard value.isFinite else {
            appendRaw("null")
            return
        }
        if value == 0 {
            appendRaw(value.sign == .minus ? "-0" : "0")
        } else if value.rounded(.towardZero) == value && abs(value) <= 9_007_199_254_740_992 {
            appendInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Appends the decimal digits of `value` without going through a String.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(JSONByte.minus) }
        // Work with the magnitude so that Int64.min does not overflow on negation. Digits come out
        // least significant first, so they are reversed in place afterwards.
        var magnitude = value.magnitude
        let firstDigit = bytes.count
        repeat {
            bytes.append(JSONByte.zero + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[firstDigit...].reverse()
    }
}

extension JSONValue {
    /// The compact JSON text of this value.
    func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}
