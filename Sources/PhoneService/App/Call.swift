import PhoneStore

/// One request as a handler sees it: the request, the route's parameters, the caller (on Graph
/// routes), and the response writer that carries its ids and what the journal row records.
struct Call: Sendable {
    let request: HTTPRequest
    let response: ResponseWriter
    /// The matched pattern's `{name}` segments, decoded.
    let parameters: [String: String]
    /// The verified caller of a Graph route; nil on admin routes and `/healthz`.
    let principal: Principal?
    /// The pipeline that runs this request, for `$batch` to run its inner requests through.
    let pipeline: RequestPipeline

    /// The caller of a Graph route (the pipeline verified the token before the handler ran).
    var caller: Principal {
        get throws(GraphError) {
            guard let principal else { throw TokenVerifier.empty }
            return principal
        }
    }

    /// A parameter of the pattern; "" when the pattern has none of that name (a bug in the table).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }
}
