/// Routes under one path prefix, collected in order and then added to a table
/// (`RouteTable.add(_:)`): the admin API, the operator's routes and sign-in each have a prefix of
/// their own. None is throttled: throttling is Graph's. Called as a function, as a handler's
/// `register` names its routes: `add("GET", "/users", listUsers)`.
struct RouteGroup {
    let prefix: String
    private(set) var routes: [(method: String, pattern: String, endpoint: Endpoint)] = []

    init(prefix: String) {
        self.prefix = prefix
    }

    /// Adds `handle` for `method` on `prefix` + `path`.
    mutating func callAsFunction(
        _ method: String, _ path: String, _ handle: @escaping @Sendable (Call) throws -> HandlerOutcome
    ) {
        routes.append((method, prefix + path, Endpoint(throttled: false, handle)))
    }
}
