import Foundation
import PhoneStore

/// `GET /_admin/journal?user=&app=&method=&path=&status=&since=&afterId=&top=&skipToken=`: the request
/// journal, newest first (by arrival number), a page at a time, with `@odata.nextLink` while more rows match. `afterId`
/// keeps rows stored after that row (the dashboard's live timeline polls with its largest id). A
/// filter that does not parse is a 400 that names it.
struct JournalQuery: Equatable {
    static let names = ["user", "app", "method", "path", "status", "since", "afterId", "top", "skipToken"]

    var filter = JournalFilter()
    /// The filters as given (without `top` and `skipToken`), for the next page's link.
    private var given: [(name: String, value: String)] = []

    init(_ query: [(name: String, value: String)]) throws(GraphError) {
        var seen: Set<String> = []
        for (name, value) in query {
            guard Self.names.contains(name) else {
                throw .badRequest(
                    "Unknown journal filter '\(name)'; expected \(Self.names.map { "'\($0)'" }.joined(separator: ", "))."
                )
            }
            guard seen.insert(name).inserted else { throw .badRequest("The journal filter '\(name)' is repeated.") }
            try apply(name, value)
            if name != "top" && name != "skipToken" { given.append((name, value)) }
        }
    }

    private mutating func apply(_ name: String, _ value: String) throws(GraphError) {
        func invalid(_ expected: String) -> GraphError {
            .badRequest("The journal filter '\(name)' must be \(expected).")
        }
        switch name {
        case "user":
            guard !value.isEmpty else { throw invalid("a user principal name or object id") }
            filter.user = value
        case "app":
            guard !value.isEmpty else { throw invalid("an application's app id") }
            filter.app = value
        case "method":
            let method = value.uppercased()
            guard (1...32).contains(method.utf8.count), method.utf8.allSatisfy({ (65...90).contains($0) }) else {
                throw invalid("an HTTP method such as 'POST'")
            }
            filter.method = method
        case "path":
            guard value.hasPrefix("/") || value.hasPrefix("*") else {
                throw invalid("a path starting with '/' or '*', where '*' matches anything")
            }
            filter.pathPattern = value
        case "status":
            guard let status = Int(value), (100...599).contains(status) else { throw invalid("an HTTP status code") }
            filter.status = status
        case "since":
            guard let since = Self.timestamp(value) else {
                throw invalid("an ISO 8601 date and time such as '2026-11-21T10:00:00Z'")
            }
            filter.since = since
        case "afterId":
            guard let id = Int64(value), id >= 0 else { throw invalid("a journal row id (0 or more)") }
            filter.storedAfter = id
        case "top":
            guard let top = Int(value), (1...JournalFilter.maximumTop).contains(top) else {
                throw invalid("a number from 1 to \(JournalFilter.maximumTop)")
            }
            filter.top = top
        default:  // skipToken
            guard let id = Int64(value), id > 0 else { throw invalid("the skipToken of an '@odata.nextLink'") }
            filter.after = id
        }
    }

    /// `value` as the journal writes times (UTC, milliseconds), or nil.
    static func timestamp(_ value: String) -> String? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: value)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: value)
        }
        guard let date else { return nil }
        return Timestamp.format(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The link to the page after the row `id`.
    func nextLink(after id: Int64) -> String {
        let parameters = given + [("top", String(filter.top)), ("skipToken", String(id))]
        return "/\(RouteFamily.adminPrefix)/journal?"
            + parameters.map { "\($0.name)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    static func == (lhs: JournalQuery, rhs: JournalQuery) -> Bool {
        lhs.filter == rhs.filter && lhs.given.map(\.name) == rhs.given.map(\.name)
            && lhs.given.map(\.value) == rhs.given.map(\.value)
    }

    /// One page of rows, newest first, with the next page's link while more rows match. Rows still
    /// buffered are not shown: flush the journal first.
    func page(_ store: PhoneStore) throws(StoreError) -> JSONValue {
        let (entries, more) = try store.journalEntries(filter)
        var page: [(key: String, value: JSONValue)] = [("value", .array(entries.map(Self.value)))]
        if more, let last = entries.last?.id { page.append(("@odata.nextLink", .string(nextLink(after: last)))) }
        return .object(page)
    }

    static func value(_ entry: JournalEntry) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .number(Double(entry.id ?? 0))), ("sequence", .number(Double(entry.sequence))),
            ("dateTime", .string(entry.at)), ("method", .string(entry.method)),
            ("path", .string(entry.path)), ("status", .number(Double(entry.status))),
            ("errorCode", optional(entry.errorCode)), ("requestId", .string(entry.requestID)),
            ("clientRequestId", .string(entry.clientRequestID)), ("callerUserId", optional(entry.callerUserID)),
            ("callerAppId", optional(entry.callerAppID)), ("targetUserId", optional(entry.targetUserID)),
            ("phoneMethodId", optional(entry.phoneMethodID)),
            ("durationMicroseconds", .number(Double(entry.durationMicroseconds))),
            ("earlyRetry", .bool(entry.earlyRetry)), ("batchId", optional(entry.batchID)),
            ("explanation", optional(entry.explanation)),
        ])
    }
}
