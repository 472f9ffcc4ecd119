import PhoneStore

/// What a handler produces: an answer now (reads, refusals), or a write queued for the store's
/// writer thread that answers once the commit covering it is done. Queued writes let a
/// libmicrohttpd pool thread serve other connections instead of waiting for an fsync.
enum HandlerOutcome: Sendable {
    typealias Finish = @Sendable (Result<HTTPResponse, GraphError>) -> Void

    case response(HTTPResponse)
    case deferred(@Sendable (@escaping Finish) -> Void)

    /// Queues `body` on the store's writer; `then` builds the answer from its result, after the
    /// commit. Store errors become Graph errors in the one place they do (`GraphError(StoreError)`).
    static func write<T: Sendable>(
        _ store: PhoneStore, _ body: @escaping @Sendable (Database) throws -> T,
        then: @escaping @Sendable (T) throws(GraphError) -> HTTPResponse
    ) -> HandlerOutcome {
        .deferred { finish in
            store.submitWrite(body) { result in
                finish(
                    Result { () throws(GraphError) -> HTTPResponse in
                        let value = try storeCall { try result.get() }
                        return try then(value)
                    })
            }
        }
    }
}
