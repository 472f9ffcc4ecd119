import Foundation
import Logging
import PhoneStore

/// One log line per event on stderr (through `LogOutput`: at once, after any request lines it
/// gathered), each written whole so that lines from several threads never interleave, in
/// `LogLine`'s layout. Cheaper than swift-log's `StreamLogHandler` (no locale, no stream lock).
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
        var line = LogLine(level: event.level.rawValue)
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for key in all.keys.sorted() { line.field(key, "\(all[key] ?? "")") }
        line.end(event.message.description)
        output.write(line.bytes)
    }
}
