import CLibFuzzer
import Glibc
import Logging
import PhoneStore

@testable import PhoneService

/// libFuzzer target for the request target: `RequestTarget` on the path and query (split and
/// decoded as `HTTPServer` hands them over), the service's route table, `PercentEncoding`, and
/// `QueryOptions.parse` on the query.
///
/// Properties checked besides "never traps": percent-encoding round-trips any text, and a path the
/// table matches matches the same pattern, with the same parameters, when written out canonically.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRouter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    // libmicrohttpd hands over the target as a C string: it ends at the first NUL.
    let bytes = UnsafeBufferPointer(start: data, count: size).prefix { $0 != 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    let target = requestTarget(text)

    precondition(PercentEncoding.decode(Substring(PercentEncoding.encode(text))) == text, "percent round trip")
    if target.undecodable == nil, case .success(let match) = routes.match(target.segments) {
        let canonical = canonicalPath(match)
        guard case .success(let again) = routes.match(RequestTarget(path: canonical, query: []).segments) else {
            preconditionFailure("\(canonical) matches nothing")
        }
        precondition(again.pattern == match.pattern && again.parameters == match.parameters, "\(canonical) moved")
    }
    for version in [APIVersion.v1, .beta] {
        for isList in [true, false] {
            _ = try? QueryOptions.parse(target.query, version: version, isList: isList)
        }
    }
    return 0
}

/// The service's route table, over a store in a temporary file (the table itself never reads it).
private let routes: RouteTable<Endpoint> = {
    let path = "/tmp/fuzz-router-\(getpid()).db"
    guard let store = try? PhoneStore(path: path, journal: .off) else { fatalError("no store at \(path)") }
    guard
        let application = try? Application(
            store: store, logger: Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() })
    else { fatalError("no application over \(path)") }
    return application.pipeline.routes
}()

/// The path, and the query split on '&' and the first '=', as libmicrohttpd hands them over.
private func requestTarget(_ text: String) -> RequestTarget {
    guard let mark = text.firstIndex(of: "?") else { return RequestTarget(path: text, rawQuery: []) }
    var query: [(name: Substring, value: Substring)] = []
    for pair in text[text.index(after: mark)...].split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        query.append((parts[0], parts.count > 1 ? parts[1] : ""))
    }
    return RequestTarget(path: String(text[..<mark]), rawQuery: query)
}

/// The matched pattern with its parameters percent-encoded in place and actions spelt plainly.
private func canonicalPath(_ match: RouteTable<Endpoint>.Match) -> String {
    let segments = match.pattern.split(separator: "/").map { segment -> String in
        if segment.hasPrefix("{") {
            return PercentEncoding.encode(match.parameters[String(segment.dropFirst().dropLast())] ?? "")
        }
        return segment.hasPrefix("~") ? String(segment.dropFirst()) : String(segment)
    }
    return "/" + segments.joined(separator: "/")
}

@main enum Main {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRouter))
    }
}
