import Foundation
import Logging
import PhoneStore

/// The Graph emulator behind the HTTP server: gives each request its ids, authenticates it,
/// routes it to a handler, turns every failure into Graph's error envelope, and logs one line.
final class Application: Sendable {
    /// Requests whose headers add up to more than this are refused [choice]: room for large tokens.
    static let maximumHeaderBytes = 16 * 1024

    let store: PhoneStore
    let logger: Logger
    let requestLog: RequestLog
    let verifier: TokenVerifier
    let phoneMethods: PhoneMethodsHandler
    let smsPolicy: SmsPolicyHandler
    let admin: AdminHandler
    /// Test-tenant controls, shared with the admin API: injected faults, throttling, and the
    /// `Retry-After` each caller was given.
    let faults: FaultPlan
    let throttle: Throttle
    let retries: RetryTracker

    /// `snapshots`: where the admin API keeps named snapshots; next to the database by default.
    /// `requestLog`: where the line per request goes; through `logger` by default.
    init(store: PhoneStore, logger: Logger, requestLog: RequestLog? = nil, snapshots: String? = nil) {
        self.store = store
        self.logger = logger
        self.requestLog = requestLog ?? RequestLog(sink: .logger(logger))
        self.verifier = TokenVerifier(store: store)
        self.phoneMethods = PhoneMethodsHandler(store: store)
        self.smsPolicy = SmsPolicyHandler(store: store)
        let faults = FaultPlan()
        let throttle = Throttle()
        let retries = RetryTracker()
        self.faults = faults
        self.throttle = throttle
        self.retries = retries
        self.admin = AdminHandler(
            store: store, snapshots: SnapshotDirectory(path: snapshots ?? store.path + ".snapshots"),
            controls: TestControls(faults: faults, throttle: throttle, retries: retries))
    }

    /// Answers `request` through `respond`: at once for reads and refusals, or from the store's
    /// writer thread after the commit for writes. Records it in the request journal: a write's row
    /// in the write's own transaction, any other row through the journal's buffer.
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = DispatchTime.now().uptimeNanoseconds
        let journaled = isJournaled(request.path)
        let arrived = journaled ? Timestamp.nowWithMilliseconds() : ""
        let response = ResponseWriter(request: request, requestID: RequestID.make())
        var principal: Principal?
        var delayMilliseconds = 0
        let outcome: HandlerOutcome
        do {
            outcome = try dispatch(request, response: response, principal: &principal, delay: &delayMilliseconds)
        } catch {
            outcome = .deferred { finish in finish(.failure(error)) }
        }
        let caller = principal
        /// The answer, and the journal row for it.
        let settle: @Sendable (Result<HTTPResponse, GraphError>) -> (HTTPResponse, JournalEntry?) = { result in
            let answer: HTTPResponse
            var failure: GraphError?
            switch result {
            case .success(let success): answer = success
            case .failure(let error):
                answer = response.error(error)
                failure = error
            }
            guard journaled else { return (answer, nil) }
            let entry = Self.journalEntry(
                request, answer: answer, error: failure, principal: caller, response: response, arrived: arrived,
                started: started)
            return (answer, entry)
        }
        let send: @Sendable (HTTPResponse) -> Void = { [logger, requestLog] answer in
            if answer.status >= 500 {
                logger.error("request failed", metadata: ["request-id": "\(response.requestID)"])
            }
            Self.log(
                requestLog, request, answer, principal: caller, response: response, started: started,
                earlyRetry: response.facts.earlyRetry)
            respond(answer)
        }
        let finish: HandlerOutcome.Finish = { [store] result in
            let (answer, entry) = settle(result)
            if let entry { store.recordLater(entry) }
            send(answer)
        }
        let run: @Sendable () -> Void = {
            switch outcome {
            case .response(let answer): finish(.success(answer))
            case .deferred(let start): start(finish)
            case .queuedWrite(let start):
                start(
                    { [store = self.store] result, db in
                        let (answer, entry) = settle(result)
                        if let entry { try store.record(entry, in: db) }
                        return answer
                    },
                    { result in
                        switch result {
                        case .success(let answer): send(answer)
                        // The transaction, and the row in it, was lost: journal the failure like a read.
                        case .failure: finish(result)
                        }
                    })
            }
        }
        // A fault rule's delay holds the answer (and a write) back, not the pool thread.
        if delayMilliseconds > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayMilliseconds), execute: run)
        } else {
            run()
        }
    }

    /// The answer to a body over the limit, in Graph's envelope.
    func tooLarge(_ request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let response = ResponseWriter(request: request, requestID: RequestID.make())
        let result = response.error(.bodyTooLarge)
        if isJournaled(request.path) {
            store.recordLater(
                Self.journalEntry(
                    request, answer: result, error: .bodyTooLarge, principal: nil, response: response,
                    arrived: Timestamp.nowWithMilliseconds(), started: started))
        }
        Self.log(requestLog, request, result, principal: nil, response: response, started: started)
        return result
    }

    private func dispatch(
        _ request: HTTPRequest, response: ResponseWriter, principal: inout Principal?, delay: inout Int
    ) throws(GraphError) -> HandlerOutcome {
        let headerBytes = request.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 }
        guard headerBytes <= Self.maximumHeaderBytes else { throw .headersTooLarge }
        if request.path == "/healthz" { return .response(try health(request, response: response)) }
        if request.path == AdminHandler.prefix || request.path.hasPrefix(AdminHandler.prefix + "/") {
            return .response(try admin.handle(request, response: response))
        }
        let route = try Router.route(request.path)
        let caller = try verifier.principal(authorization: request.header("authorization"))
        principal = caller

        // Test-tenant controls, after authentication (they are scoped by caller): a retry that
        // came too early is noted, then throttling, then the first fault rule that applies.
        var retryKey: String { RetryTracker.key(principal: caller, method: request.method, path: request.path) }
        if retries.isEarly(retryKey) { response.facts.earlyRetry = true }
        // A batch is throttled by its inner requests, each counted like a direct one.
        if !route.isBatch, let wait = throttle.admit(appID: caller.appID) {
            retries.note(retryKey, retryAfter: wait)
            noteTarget(of: route, caller: caller, response: response)
            throw .tooManyRequests(retryAfter: wait)
        }
        if let fault = faults.take(
            method: request.method, path: Self.decodedPath(request.path), userID: caller.userID, appID: caller.appID)
        {
            delay = fault.delayMilliseconds ?? 0
            if let error = fault.error {
                if let seconds = fault.retryAfterSeconds { retries.note(retryKey, retryAfter: seconds) }
                noteTarget(of: route, caller: caller, response: response)
                throw error
            }
        }

        switch route {
        case .phone(let phoneRoute):
            return try phoneMethods.handle(phoneRoute, request, principal: caller, response: response)
        case .smsPolicy(let version):
            return try smsPolicy.handle(version, request, principal: caller, response: response)
        case .batch(let version):
            return try BatchHandler(application: self).handle(version, request, response: response)
        }
    }

    /// For a request refused before its handler ran (throttled, or by a fault rule): the user whose
    /// phones it addressed, so that its journal row is found by that user like any other.
    private func noteTarget(of route: Route, caller: Principal, response: ResponseWriter) {
        guard case .phone(let phoneRoute) = route else { return }
        switch phoneRoute.user {
        case .me: response.facts.targetUserID = caller.userID
        case .user(let key): response.facts.targetUserID = (try? store.user(key: key))?.id
        }
    }

    /// The path with each segment percent-decoded (as sent where a segment does not decode), for
    /// matching fault rules written with plain user principal names.
    static func decodedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { PercentEncoding.decode($0) ?? String($0) }
            .joined(separator: "/")
    }

    /// `GET /healthz`, without a token: 200 when the database answers a read and yields its write
    /// lock, 503 otherwise. Shows no tenant data.
    private func health(_ request: HTTPRequest, response: ResponseWriter) throws(GraphError) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else { throw .methodNotAllowed(allow: ["GET"]) }
        let healthy = (try? store.probe()) != nil
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("status")
        writer.string(healthy ? "ok" : "unavailable")
        writer.key("version")
        writer.string(BuildInfo.version)
        writer.key("schemaVersion")
        writer.number(store.schemaVersion)
        writer.endObject()
        return response.json(status: healthy ? 200 : 503, body: writer.bytes, contentType: "application/json")
    }

    /// One line per request: never the token, never a body.
    private static func log(
        _ requestLog: RequestLog, _ request: HTTPRequest, _ result: HTTPResponse, principal: Principal?,
        response: ResponseWriter, started: UInt64, earlyRetry: Bool = false
    ) {
        requestLog.record(
            RequestLog.Fields(
                method: request.method, path: request.path, status: result.status,
                microseconds: (DispatchTime.now().uptimeNanoseconds - started) / 1000, requestID: response.requestID,
                caller: principal.map { $0.userID ?? "app:" + $0.appID }, earlyRetry: earlyRetry))
    }
}
