/// What the route table holds for one method of one pattern: the handler, and what the pipeline
/// must know about the route before it runs.
struct Endpoint: Sendable {
    /// The route addresses a user's phones (`/me` or `/users/{user}`): the journal row of a request
    /// refused before its handler ran (throttled, a fault) still names that user.
    var addressesUser = false
    /// Throttling counts this request; a batch is counted by its inner requests instead.
    var throttled = true
    /// The request metrics of this route's pattern, for every method (a `405` counts there too),
    /// attached once the table is built (`ServiceMetrics.attach`).
    var metrics: PatternMetrics?
    let handle: @Sendable (Call) throws -> HandlerOutcome

    init(
        addressesUser: Bool = false, throttled: Bool = true,
        _ handle: @escaping @Sendable (Call) throws -> HandlerOutcome
    ) {
        self.addressesUser = addressesUser
        self.throttled = throttled
        self.handle = handle
    }
}
