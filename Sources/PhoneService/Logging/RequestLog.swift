import Foundation
import Logging
import PhoneStore

/// The one line per request. `serve` formats it into one byte buffer in `LineLogHandler`'s layout
/// and hands it to the `LogOutput` the handler writes through. Through swift-log it cost a
/// metadata dictionary, a merge, a sort and an interpolation per field, the largest cost of a
/// read after the database. Elsewhere (tests, embedding) it goes through a `Logger`.
struct RequestLog: Sendable {
    enum Sink: Sendable {
        /// Lines gathered by `LogOutput` and written a batch at a time.
        case lines(LogOutput)
        case logger(Logger)
    }

    let sink: Sink

    /// What one line says: never the token, never a body.
    struct Fields {
        var method: String
        var path: String
        var status: Int
        var microseconds: UInt64
        var requestID: String
        /// The caller's user object id, or "app:" and the app id of an application token.
        var caller: String?
        var earlyRetry = false
    }

    /// The longest path a line shows.
    static let pathLimit = 200

    func record(_ fields: Fields) {
        switch sink {
        case .lines(let output): output.append(Self.line(fields))
        case .logger(let logger):
            var metadata: Logger.Metadata = [
                "method": "\(fields.method)",
                "path": "\(fields.path.truncated(toCharacters: Self.pathLimit))",
                "status": "\(fields.status)",
                "us": "\(fields.microseconds)",
                "request-id": "\(fields.requestID)",
            ]
            if let caller = fields.caller { metadata["caller"] = "\(caller)" }
            if fields.earlyRetry { metadata["early-retry"] = "true" }
            logger.info("request", metadata: metadata)
        }
    }

    /// The line `LineLogHandler` writes for `logger.info("request", metadata:)` with these fields:
    /// keys in sorted order, values escaped the same way.
    static func line(_ fields: Fields, timestamp: String = Timestamp.now()) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: timestamp.utf8)
        append(" info phone-service:", to: &line)
        if let caller = fields.caller { field("caller", caller, to: &line) }
        if fields.earlyRetry { field("early-retry", "true", to: &line) }
        field("method", fields.method, to: &line)
        field("path", fields.path.truncated(toCharacters: pathLimit), to: &line)
        field("request-id", fields.requestID, to: &line)
        field("status", String(fields.status), to: &line)
        field("us", String(fields.microseconds), to: &line)
        append(" request\n", to: &line)
        return line
    }

    private static func field(_ key: StaticString, _ value: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        line.append(UInt8(ascii: "="))
        value.withContiguousUTF8 { bytes in
            if LineLogHandler.needsQuotes(bytes) {
                line.append(contentsOf: LineLogHandler.escape(String(decoding: bytes, as: UTF8.self)).utf8)
            } else {
                line.append(contentsOf: bytes)
            }
        }
    }

    private static func append(_ text: StaticString, to line: inout [UInt8]) {
        line.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
