import Foundation
import PhoneStore

extension Application {
    /// The longest method and path a journal row keeps (in characters); longer ones are cut.
    static let journalMethodLimit = 32
    static let journalPathLimit = 2048

    /// Every Graph request is journaled while the store keeps a journal; `/healthz` (probes) and
    /// the admin API (the operator's own traffic, including reading the journal) are not [choice].
    /// With `--journal off` no row is built at all (not even its arrival time).
    func isJournaled(_ path: String) -> Bool {
        store.keepsJournal
            && !(path == "/healthz" || path == AdminHandler.prefix || path.hasPrefix(AdminHandler.prefix + "/"))
    }

    /// The journal row for a request answered with `answer`: ids, the caller, what the handlers
    /// learnt. Never the token, the query, a body or a number.
    static func journalEntry(
        _ request: HTTPRequest, answer: HTTPResponse, error: GraphError?, principal: Principal?,
        response: ResponseWriter, arrived: String, started: UInt64
    ) -> JournalEntry {
        JournalEntry(
            at: arrived, method: request.method.truncated(toCharacters: journalMethodLimit),
            path: request.path.truncated(toCharacters: journalPathLimit), status: answer.status, errorCode: error?.code,
            requestID: response.requestID, clientRequestID: response.clientRequestID,
            callerUserID: principal?.userID, callerAppID: principal?.userID == nil ? principal?.appID : nil,
            targetUserID: response.facts.targetUserID, phoneMethodID: response.facts.phoneMethodID,
            durationMicroseconds: Int64((DispatchTime.now().uptimeNanoseconds - started) / 1000),
            earlyRetry: response.facts.earlyRetry, batchID: request.batchID)
    }
}

extension String {
    /// The first `count` characters; the string itself, without walking its characters, when it
    /// has no more UTF-8 bytes than that (a character is at least one byte).
    func truncated(toCharacters count: Int) -> String {
        utf8.count <= count ? self : String(prefix(count))
    }
}
