import Dispatch
import Synchronization

/// Runs a batch's requests one at a time, in their execution order, each through the request
/// pipeline as if it had come on its own. Nothing waits: the next request starts from
/// the previous one's answer, hopped onto a Dispatch queue, because a write answers on the thread
/// that delivers the store's results in commit order, which must not wait for other writes.
final class BatchRun: Sendable {
    private let pipeline: RequestPipeline
    private let version: APIVersion
    private let requests: [BatchRequest]
    private let order: [Int]
    private let authorization: String?
    /// The batch request's `request-id`, recorded with each inner request in the journal.
    private let batchID: String
    /// The answers by position in `requests`; nil until that request has answered.
    private let answers: Mutex<[HTTPResponse?]>

    init(
        pipeline: RequestPipeline, version: APIVersion, requests: [BatchRequest], order: [Int],
        authorization: String?, batchID: String
    ) {
        self.pipeline = pipeline
        self.version = version
        self.requests = requests
        self.order = order
        self.authorization = authorization
        self.batchID = batchID
        self.answers = Mutex([HTTPResponse?](repeating: nil, count: requests.count))
    }

    /// Runs every request, then calls `done` with the answers in the order of `requests`.
    func start(_ done: @escaping @Sendable ([HTTPResponse]) -> Void) {
        step(0, done)
    }

    private func step(_ position: Int, _ done: @escaping @Sendable ([HTTPResponse]) -> Void) {
        guard position < order.count else {
            let all = answers.withLock { $0 }
            done(all.enumerated().map { $1 ?? refusal(requests[$0], .generalException) })
            return
        }
        let index = order[position]
        let request = requests[index]
        // A dependency failed if it answered an error, or was itself not run (424).
        let failed = answers.withLock { answers in
            request.dependsOn.first { (answers[$0]?.status ?? 500) >= 400 }
        }
        if let failed {
            record(index, refusal(request, .failedDependency(requests[failed].id)))
            return step(position + 1, done)
        }
        var inner: HTTPRequest
        do {
            inner = try request.httpRequest(version: version, authorization: authorization)
            inner.batchID = batchID
        } catch {
            record(index, refusal(request, error))
            return step(position + 1, done)
        }
        pipeline.handle(inner) { answer in
            DispatchQueue.global().async {
                self.record(index, answer())
                self.step(position + 1, done)
            }
        }
    }

    private func record(_ index: Int, _ answer: HTTPResponse) {
        answers.withLock { $0[index] = answer }
    }

    /// The error answer of a request the batch did not hand to the pipeline, with its own
    /// request id and the caller's `client-request-id`, as a direct error would carry.
    private func refusal(_ request: BatchRequest, _ error: GraphError) -> HTTPResponse {
        var headers: [String: String] = [:]
        if let sent = request.headers.last(where: { $0.name.lowercased() == "client-request-id" }) {
            headers["client-request-id"] = sent.value
        }
        let writer = ResponseWriter(
            request: HTTPRequest(method: request.method, path: "", headers: headers), requestID: RequestID.make())
        return writer.error(error)
    }
}
