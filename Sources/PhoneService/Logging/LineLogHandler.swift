import Foundation
import Logging
import PhoneStore

/// One log line per event on stderr (through `LogOutput`: at once, after any request lines it
/// gathered), each written whole so that lines from several threads never interleave:
/// `2026-11-21T10:00:00Z info phone-service: key=value ... request`, the
/// layout of swift-log's `StreamLogHandler` (message last). Cheaper than
/// swift-log's `StreamLogHandler` on the per-request path (no locale, no stream lock, no stat).
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let output: LogOutput

    init(output: LogOutput = LogOutput()) {
        self.output = output
    }

    init(fd: Int32) {
        self.init(output: LogOutput(fd: fd))
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = Timestamp.now()
        line += " "
        line += event.level.rawValue
        line += " phone-service:"
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for key in all.keys.sorted() {
            line += " "
            line += key
            line += "="
            line += Self.escape("\(all[key] ?? "")")
        }
        line += " "
        line += event.message.description
        line += "\n"
        output.write(Array(line.utf8))
    }

    /// Whether `escape` would quote `value`.
    static func needsQuotes(_ value: String) -> Bool {
        value.withContiguousUTF8 { needsQuotes($0) }
    }

    /// The same for a value's UTF-8 bytes.
    static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.isEmpty || ByteScan.contains(below: 0x21, or: UInt8(ascii: "\""), or: 0x7f, in: utf8)
    }

    /// Values with spaces, quotes or control characters are quoted, with those escaped, so that a
    /// line stays one line whatever a client sent.
    static func escape(_ value: String) -> String {
        guard needsQuotes(value) else { return value }
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
