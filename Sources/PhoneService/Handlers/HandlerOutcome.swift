import PhoneStore

/// What a handler produces: an answer now (reads, refusals), or a write queued for the store's
/// writer thread that answers once the commit covering it is done. Queued writes let a
/// libmicrohttpd pool thread serve other connections instead of waiting for an fsync.
enum HandlerOutcome: Sendable {
    typealias Finish = @Sendable (Result<HTTPResponse, GraphError>) -> Void
    /// Turns a write's result into its answer on the writer thread, inside the write's savepoint
    /// (after its changes were undone when it failed), and writes what goes with that answer in the
    /// same transaction (its journal row). Throwing undoes the write too.
    typealias Settle = @Sendable (Result<HTTPResponse, GraphError>, Database) throws -> HTTPResponse
    /// Receives the settled answer after the `COMMIT`, or the error that lost the transaction.
    typealias Committed = @Sendable (Result<HTTPResponse, GraphError>) -> Void

    case response(HTTPResponse)
    case deferred(@Sendable (@escaping Finish) -> Void)
    /// A write for the store's writer, started with how to settle it and what to do once committed.
    case queuedWrite(@Sendable (_ settle: @escaping Settle, _ committed: @escaping Committed) -> Void)

    /// Queues `body` on the store's writer; `then` builds the answer from its result on the writer
    /// thread, before the commit, which is sent after it. Store errors become Graph errors in the
    /// one place they do (`GraphError(StoreError)`).
    static func write<T: Sendable>(
        _ store: PhoneStore, _ body: @escaping @Sendable (Database) throws -> T,
        then: @escaping @Sendable (T) throws(GraphError) -> HTTPResponse
    ) -> HandlerOutcome {
        .queuedWrite { settle, committed in
            store.submitWrite(
                body,
                settle: { result, db in
                    try settle(
                        Result { () throws(GraphError) -> HTTPResponse in
                            try then(try storeCall { try result.get() })
                        }, db)
                },
                completion: { result in
                    committed(Result { () throws(GraphError) -> HTTPResponse in try storeCall { try result.get() } })
                })
        }
    }
}
