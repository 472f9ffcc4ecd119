import PhoneStore

/// The layout of every log line, `2026-11-21T10:00:00Z info phone-service: key=value ... message`
/// (swift-log's `StreamLogHandler` layout, message last): the one formatter behind
/// `LineLogHandler` and the request log. Values with spaces, quotes or control characters are
/// quoted and escaped, so that a line stays one line whatever a client sent.
struct LogLine {
    private(set) var bytes: [UInt8] = []

    init(level: String, timestamp: String = Timestamp.now()) {
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: timestamp.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: level.utf8)
        bytes.append(contentsOf: " phone-service:".utf8)
    }

    /// Appends ` key=value`; callers give keys in sorted order.
    mutating func field(_ key: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: key.utf8)
        bytes.append(UInt8(ascii: "="))
        value.withContiguousUTF8 { utf8 in
            if Self.needsQuotes(utf8) {
                bytes.append(contentsOf: Self.escape(String(decoding: utf8, as: UTF8.self)).utf8)
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Ends the line with the event's message.
    mutating func end(_ message: String) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: message.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Whether `escape` would quote a value with these UTF-8 bytes.
    static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.isEmpty || ByteScan.contains(below: 0x21, or: UInt8(ascii: "\""), or: 0x7f, in: utf8)
    }

    static func escape(_ value: String) -> String {
        guard value.withContiguousUTF8({ needsQuotes($0) }) else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
