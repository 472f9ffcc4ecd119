import Foundation
import Logging
import PhoneStore

/// The one line per request. `serve` formats it into one byte buffer (`LogLine`, the layout every
/// line has) and hands it to the `LogOutput` the handler writes through, skipping swift-log's
/// per-field metadata work on every request. Elsewhere (tests, embedding) it goes through a `Logger`.
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
        /// Why a `403` was refused (`GraphError.explanation`).
        var refused: String? = nil
    }

    /// The longest path a line shows.
    static let pathLimit = 200

    func record(_ fields: Fields) {
        switch sink {
        case .lines(let output): output.append(Self.line(fields))
        case .logger(let logger):
            var metadata: Logger.Metadata = [:]
            for (key, value) in fields.pairs { metadata[key] = "\(value)" }
            logger.info("request", metadata: metadata)
        }
    }

    /// The line `LineLogHandler` writes for `logger.info("request", metadata:)` with these fields.
    static func line(_ fields: Fields, timestamp: String = Timestamp.now()) -> [UInt8] {
        var line = LogLine(level: "info", timestamp: timestamp)
        for (key, value) in fields.pairs { line.field(key, value) }
        line.end("request")
        return line.bytes
    }
}

extension RequestLog.Fields {
    /// What the line shows, keys in sorted order (as `LineLogHandler` writes metadata).
    var pairs: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        pairs.reserveCapacity(8)
        if let caller { pairs.append(("caller", caller)) }
        if earlyRetry { pairs.append(("early-retry", "true")) }
        pairs.append(("method", method))
        pairs.append(("path", path.truncated(toCharacters: RequestLog.pathLimit)))
        if let refused { pairs.append(("refused", refused)) }
        pairs.append(("request-id", requestID))
        pairs.append(("status", String(status)))
        pairs.append(("us", String(microseconds)))
        return pairs
    }
}
