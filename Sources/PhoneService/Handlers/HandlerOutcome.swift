import Dispatch
import PhoneStore

/// What a handler produces: an answer now (reads, refusals), a write for the store's writer that
/// answers once the commit covering it is durable, or an answer that comes later (a batch). A
/// queued write lets the libmicrohttpd pool thread serve other connections meanwhile.
enum HandlerOutcome: Sendable {
    typealias Finish = @Sendable (Result<HTTPResponse, GraphError>) -> Void

    case response(HTTPResponse)
    case queued(QueuedWrite)
    case deferred(@Sendable (@escaping Finish) -> Void)

    /// A store write answered `status` with `render(value)` once it has committed. `check` decides,
    /// from the value, whether the write answers an error after all (a mobile saved with a number
    /// another user holds answers 409); it runs on the writer for the journal row and again for the
    /// answer, so it must be pure.
    static func write<Value>(
        _ store: PhoneStore, _ write: PendingWrite<Value>, status: Int,
        check: @escaping @Sendable (Value) throws(GraphError) -> Void = { _ in },
        render: @escaping @Sendable (Value) -> HTTPResponse
    ) -> HandlerOutcome {
        .queued(
            QueuedWrite { journal, finish in
                let decide: @Sendable (Result<Value, StoreError>) -> Result<Value, GraphError> = { result in
                    result.mapError(GraphError.init).flatMap { value in
                        Result { () throws(GraphError) -> Value in
                            try check(value)
                            return value
                        }
                    }
                }
                var pending = write
                if let journal {
                    pending = pending.journaled { result in
                        switch decide(result) {
                        case .success: journal(status, nil)
                        case .failure(let error): journal(error.status, error)
                        }
                    }
                }
                // Rendered after the commit, by the pool thread that sends the answer: never the writer.
                store.submit(pending) { result in finish { decide(result).map(render) } }
            })
    }
}

extension HandlerOutcome {
    /// An answer `work` computes on a global queue, not the libmicrohttpd pool thread: for work
    /// that may wait on the store's writer (making a signing key) or burn CPU (a password hash).
    static func offPool(_ work: @escaping @Sendable () throws -> HTTPResponse) -> HandlerOutcome {
        .deferred { finish in
            DispatchQueue.global().async {
                finish(Result { try work() }.mapError(GraphError.init))
            }
        }
    }
}

/// A write a handler asks for, submitted by the pipeline with the journal row that goes in the
/// write's own transaction (nil when the request is not journaled).
struct QueuedWrite: Sendable {
    /// The journal row for the write's answer: its status and, for an error, the error.
    typealias JournalRow = @Sendable (_ status: Int, _ error: GraphError?) -> JournalEntry

    /// Makes the write's answer from its result; called where the answer is sent.
    typealias Answer = @Sendable () -> Result<HTTPResponse, GraphError>

    let submit: @Sendable (_ journal: JournalRow?, _ finish: @escaping @Sendable (@escaping Answer) -> Void) -> Void
}
