import Foundation
import Logging
import PhoneStore

/// The steps every request goes through, in order, each a function of its own:
/// 1. `limitHeaders`: headers over the limit are refused (431);
/// 2. `authenticate` (admin routes: the admin key, before the path is matched);
/// 3. `route`: the route table finds the pattern, or the family's refusal (400 on Graph, 404 admin,
///    Entra's error shape on sign-in paths, which take no credentials here: the handlers check them);
/// 4. `authenticate` (Graph routes: the bearer token, verified and cached);
/// 5. `applyControls` (Graph routes): an early retry noted, throttling, the first fault rule;
///    sign-in routes meet the fault rules that name their path (`applySignInFaults`);
/// 6. `dispatch`: the handler for the method, or 405 with `Allow` from the table;
/// 7. `finish`: the answer, its journal row and its log line, made on the pool thread that sends
///    it; a write's comes after its commit, with its journal row in the write's own transaction.
final class RequestPipeline: Sendable {
    /// Requests whose headers add up to more than this are refused [choice]: room for large tokens.
    static let maximumHeaderBytes = 16 * 1024
    /// The longest method and path a journal row keeps (in characters); longer ones are cut.
    static let journalMethodLimit = 32
    static let journalPathLimit = 2048

    let routes: RouteTable<Endpoint>
    let store: PhoneStore
    let verifier: TokenVerifier
    let controls: TestControls
    let logger: Logger
    let requestLog: RequestLog
    /// The key that opens this pipeline's admin routes: the tenant's admin key, or the operator key.
    let adminKey: @Sendable () -> String
    let metrics: ServiceMetrics

    init(
        routes: RouteTable<Endpoint>, store: PhoneStore, controls: TestControls, logger: Logger, requestLog: RequestLog,
        metrics: ServiceMetrics = ServiceMetrics(), adminKey: (@Sendable () -> String)? = nil
    ) {
        self.adminKey = adminKey ?? { store.tenant.adminKey }
        self.routes = routes
        self.store = store
        var verifier = TokenVerifier(store: store)
        let (hits, misses) = (metrics.tokenCacheHits, metrics.tokenCacheMisses)
        verifier.onCacheLookup = { hit in (hit ? hits : misses).increment() }
        self.verifier = verifier
        self.metrics = metrics
        self.controls = controls
        self.logger = logger
        self.requestLog = requestLog
    }

    /// Answers `request` through `respond`: at once for reads and refusals, after the commit for
    /// writes (from the thread that delivers the store's results). The answer `respond` is given is
    /// made (rendered, journaled, logged) where the server sends it: the connection's pool thread.
    /// `authenticated`: the operator key was checked already (`/_admin/tenants/{id}/...`).
    func handle(
        _ request: HTTPRequest, authenticated: Bool = false,
        respond: @escaping @Sendable (@escaping HTTPServer.Answer) -> Void
    ) {
        let family = RouteFamily(request.target)
        var record = newRecord(request, family: family)
        var delayMilliseconds = 0
        let outcome: HandlerOutcome
        do {
            outcome = try dispatch(
                request, family: family, authenticated: authenticated, record: &record, delay: &delayMilliseconds)
        } catch {
            let failure = GraphError(error)
            if family == .identity {
                // Sign-in clients parse Entra's error shape, not Graph's.
                let base = IdentityURLs.base(for: request)
                outcome = .response(EntraError(failure).response(record.response, base: base))
            } else {
                outcome = .deferred { finish in finish(.failure(failure)) }
            }
        }
        let finished = record
        let run: @Sendable () -> Void = { [self] in
            switch outcome {
            case .response(let answer):
                respond { self.finish(.success(answer), finished, journaled: false) }
            case .deferred(let start):
                start { result in respond { self.finish(result, finished, journaled: false) } }
            case .queued(let write):
                var row: QueuedWrite.JournalRow?
                if finished.journaled { row = { status, error in finished.entry(status: status, error: error) } }
                let journaled = row != nil
                write.submit(row) { answer in respond { self.finish(answer(), finished, journaled: journaled) } }
            }
        }
        // A fault rule's delay holds the answer (and a write) back, not the pool thread.
        if delayMilliseconds > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayMilliseconds), execute: run)
        } else {
            run()
        }
    }

    /// The answer to a body over `limit` bytes: in Graph's envelope, or Entra's on a sign-in path.
    func tooLarge(_ request: HTTPRequest, limit: Int) -> HTTPResponse {
        let family = RouteFamily(request.target)
        let record = newRecord(request, family: family)
        if family == .identity {
            let answer = EntraError(.bodyTooLarge(limit: limit)).response(
                record.response, base: IdentityURLs.base(for: request))
            return finish(.success(answer), record, journaled: false)
        }
        return finish(.failure(.bodyTooLarge(limit: limit)), record, journaled: false)
    }

    /// The answer to a request refused before it reached a tenant (a `tid` that names no tenant, a
    /// tenant that failed to open), in Graph's envelope, logged and not journaled.
    func refuse(_ request: HTTPRequest, _ error: GraphError) -> HTTPResponse {
        finish(.failure(error), Record(request: request, journal: nil), journaled: false)
    }

    /// The record of a request that just arrived; journaled (and numbered) when its family is and
    /// the store keeps a journal.
    private func newRecord(_ request: HTTPRequest, family: RouteFamily) -> Record {
        Record(request: request, journal: family.isJournaled && store.keepsJournal ? store : nil)
    }

    /// Steps 1 to 6: everything that decides which handler answers, and runs it.
    private func dispatch(
        _ request: HTTPRequest, family: RouteFamily, authenticated: Bool, record: inout Record, delay: inout Int
    ) throws -> HandlerOutcome {
        try limitHeaders(request)
        if family.authenticatesBeforeRouting && !authenticated {
            try family == .metrics ? authenticateMetrics(request) : authenticateAdmin(request)
        }
        let match = try route(request, family: family)
        // A match has an endpoint; a table built without `ServiceMetrics.attach` finds its pattern's.
        record.metrics = (match.handlers.first?.handler.metrics ?? metrics.pattern(match.pattern))[request.method]
        if family == .graph {
            let caller = try verifier.principal(authorization: request.header("authorization"))
            record.principal = caller
            try applyControls(request, match, caller: caller, response: record.response, delay: &delay)
        } else if family == .identity {
            try applySignInFaults(request, delay: &delay)
        }
        guard let endpoint = match.handler(for: request.method) else {
            throw GraphError.methodNotAllowed(allow: match.allowed)
        }
        return try endpoint.handle(
            Call(
                request: request, response: record.response, parameters: match.parameters,
                principal: record.principal, pipeline: self))
    }

    private func limitHeaders(_ request: HTTPRequest) throws(GraphError) {
        let headerBytes = request.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 }
        guard headerBytes <= Self.maximumHeaderBytes else { throw .headersTooLarge(limit: Self.maximumHeaderBytes) }
    }

    func route(_ request: HTTPRequest, family: RouteFamily) throws(GraphError) -> RouteTable<Endpoint>.Match {
        if let segment = request.target.undecodable { throw RouteFamily.undecodable(segment) }
        switch routes.match(request.target.segments) {
        case .success(let match): return match
        case .failure(let miss): throw family.error(miss, method: request.method, target: request.target)
        }
    }

    static let missingAdminKey = GraphError.unauthenticated(
        "The admin API needs the admin key as a bearer token ('phone-service admin-key' prints it).")
    static let wrongAdminKey = GraphError.unauthenticated("The admin key is not valid for this tenant.")

    /// Who may read `GET /metrics`: the default tenant's admin key here; the operator key is
    /// checked before (`TenantRoute`), and such requests come in `authenticated`.
    private func authenticateMetrics(_ request: HTTPRequest) throws(GraphError) {
        try authenticateAdmin(request)
    }

    /// Refuses a request without this pipeline's admin key.
    private func authenticateAdmin(_ request: HTTPRequest) throws(GraphError) {
        guard let header = request.header("authorization"), let presented = TokenVerifier.bearerToken(header) else {
            throw Self.missingAdminKey
        }
        guard Self.keysMatch(presented, adminKey()) else { throw Self.wrongAdminKey }
    }

    /// Whether `presented` is `expected` (not empty), compared in constant time.
    static func keysMatch(_ presented: String, _ expected: String) -> Bool {
        let expected = Array(expected.utf8)
        let given = Array(presented.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for (index, byte) in expected.enumerated() { difference |= byte ^ (index < given.count ? given[index] : 0) }
        return difference == 0 && !expected.isEmpty
    }

    /// The test tenant's controls, after authentication (they are scoped by caller): a retry that
    /// came too early is noted, then throttling, then the first fault rule that applies.
    private func applyControls(
        _ request: HTTPRequest, _ match: RouteTable<Endpoint>.Match, caller: Principal, response: ResponseWriter,
        delay: inout Int
    ) throws(GraphError) {
        var retryKey: String { RetryTracker.key(principal: caller, method: request.method, path: request.path) }
        if controls.retries.isEarly(retryKey) { response.facts.earlyRetry = true }
        let endpoint = match.handlers.first?.handler
        if endpoint?.throttled ?? true, let wait = controls.throttle.admit(appID: caller.appID) {
            metrics.throttled.increment()
            controls.retries.note(retryKey, retryAfter: wait)
            noteTarget(endpoint, match, caller: caller, response: response)
            throw .tooManyRequests(retryAfter: wait)
        }
        if let fault = controls.faults.take(
            method: request.method, path: request.target.decodedPath, userID: caller.userID, appID: caller.appID)
        {
            metrics.faultsApplied.increment()
            delay = fault.delayMilliseconds ?? 0
            if let error = fault.error {
                if let seconds = fault.retryAfterSeconds { controls.retries.note(retryKey, retryAfter: seconds) }
                noteTarget(endpoint, match, caller: caller, response: response)
                throw error
            }
        }
    }

    /// The first fault rule naming this sign-in path (no caller: the token service authenticates in
    /// its handlers). Its error goes out in Entra's shape, with its `Retry-After`.
    private func applySignInFaults(_ request: HTTPRequest, delay: inout Int) throws(GraphError) {
        guard
            let fault = controls.faults.take(
                method: request.method, path: request.target.decodedPath, userID: nil, appID: "", signIn: true)
        else { return }
        metrics.faultsApplied.increment()
        delay = fault.delayMilliseconds ?? 0
        if let error = fault.error { throw error }
    }

    /// For a request refused before its handler ran: the user whose phones it addressed, so that
    /// its journal row is found by that user like any other.
    private func noteTarget(
        _ endpoint: Endpoint?, _ match: RouteTable<Endpoint>.Match, caller: Principal, response: ResponseWriter
    ) {
        guard endpoint?.addressesUser == true else { return }
        if let key = match.parameters["user"] {
            response.facts.targetUserID = (try? store.user(key: key))?.id
        } else {
            response.facts.targetUserID = caller.userID
        }
    }

    /// Step 7: the answer, its journal row (unless the write's transaction carried it) and its log
    /// line. A 5xx is logged with its cause, which the client never sees.
    private func finish(_ result: Result<HTTPResponse, GraphError>, _ record: Record, journaled: Bool)
        -> HTTPResponse
    {
        let answer: HTTPResponse
        var failure: GraphError?
        switch result {
        case .success(let success): answer = success
        case .failure(let error):
            answer = record.response.error(error)
            failure = error
        }
        if record.journaled && !journaled {
            store.recordLater(record.entry(status: answer.status, error: failure))
        }
        if answer.status >= 500 {
            // The request's own line, which follows, has its status; this one says why.
            var metadata: Logger.Metadata = ["request-id": "\(record.response.requestID)"]
            if let cause = failure?.cause { metadata["cause"] = "\(cause)" }
            logger.error("request failed", metadata: metadata)
        }
        (record.metrics ?? metrics.unmatched[record.request.method]).observe(
            status: answer.status, nanoseconds: record.elapsedNanoseconds)
        requestLog.record(
            RequestLog.Fields(
                method: record.request.method, path: record.request.path, status: answer.status,
                microseconds: record.elapsedMicroseconds, requestID: record.response.requestID,
                caller: record.principal.map { $0.userID ?? "app:" + $0.appID },
                earlyRetry: record.response.facts.earlyRetry, refused: failure?.explanation))
        return answer
    }
}
