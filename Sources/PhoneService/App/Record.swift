import Foundation
import PhoneStore

/// What the pipeline keeps of one request for its journal row and its log line: when it arrived,
/// its ids, the caller, and what the handlers learnt (`ResponseWriter.facts`).
struct Record: Sendable {
    let request: HTTPRequest
    let response: ResponseWriter
    let journaled: Bool
    let started = DispatchTime.now().uptimeNanoseconds
    /// Arrival time for the journal; not even read when the request is not journaled.
    let arrived: String
    var principal: Principal?
    /// Where the request is counted; nil until routed (`ServiceMetrics.fallback` then).
    var metrics: RouteMetrics?

    init(request: HTTPRequest, journaled: Bool) {
        self.request = request
        self.response = ResponseWriter(request: request, requestID: RequestID.make())
        self.journaled = journaled
        self.arrived = journaled ? Timestamp.nowWithMilliseconds() : ""
    }

    var elapsedMicroseconds: UInt64 { elapsedNanoseconds / 1000 }
    var elapsedNanoseconds: UInt64 { DispatchTime.now().uptimeNanoseconds - started }

    /// The journal row for the request answered `status` (with `error` when it failed). Never the
    /// token, the query, a body or a number.
    func entry(status: Int, error: GraphError?) -> JournalEntry {
        JournalEntry(
            at: arrived, method: request.method.truncated(toCharacters: RequestPipeline.journalMethodLimit),
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
