import Foundation
import PhoneStore

/// What the pipeline keeps of one request for its journal row and its log line: when it arrived
/// (time and arrival number), its ids, the caller, and what the handlers learnt (`ResponseWriter.facts`).
struct Record: Sendable {
    let request: HTTPRequest
    let response: ResponseWriter
    /// The arrival number the journal lists the row by; nil when the request is not journaled.
    let sequence: Int64?
    let started = DispatchTime.now().uptimeNanoseconds
    /// Arrival time for the journal; not even read when the request is not journaled.
    let arrived: String
    var principal: Principal?
    /// Where the request is counted; nil until routed (`ServiceMetrics.fallback` then).
    var metrics: RouteMetrics?

    /// `journal`: the store that journals the request, which numbers it now, as it arrives (its
    /// row may be stored after the rows of requests that came later); nil when it is not journaled.
    init(request: HTTPRequest, journal: PhoneStore?) {
        self.request = request
        self.response = ResponseWriter(request: request, requestID: RequestID.make())
        self.sequence = journal?.takeJournalSequence()
        self.arrived = journal == nil ? "" : Timestamp.nowWithMilliseconds()
    }

    var journaled: Bool { sequence != nil }

    var elapsedMicroseconds: UInt64 { elapsedNanoseconds / 1000 }
    var elapsedNanoseconds: UInt64 { DispatchTime.now().uptimeNanoseconds - started }

    /// The journal row for the request answered `status` (with `error` when it failed). Never the
    /// token, the query, a body or a number. Made only for a journaled request (`sequence` is set).
    func entry(status: Int, error: GraphError?) -> JournalEntry {
        JournalEntry(
            sequence: sequence ?? 0, at: arrived,
            method: request.method.truncated(toCharacters: RequestPipeline.journalMethodLimit),
            path: request.path.truncated(toCharacters: RequestPipeline.journalPathLimit), status: status,
            errorCode: error?.code, requestID: response.requestID, clientRequestID: response.clientRequestID,
            callerUserID: principal?.userID, callerAppID: principal?.userID == nil ? principal?.appID : nil,
            targetUserID: response.facts.targetUserID, phoneMethodID: response.facts.phoneMethodID,
            durationMicroseconds: Int64(elapsedMicroseconds), earlyRetry: response.facts.earlyRetry,
            batchID: request.batchID, explanation: error?.explanation)
    }
}

extension String {
    /// The first `count` characters; the string itself, without walking its characters, when it
    /// has no more UTF-8 bytes than that (a character is at least one byte).
    func truncated(toCharacters count: Int) -> String {
        utf8.count <= count ? self : String(prefix(count))
    }
}
