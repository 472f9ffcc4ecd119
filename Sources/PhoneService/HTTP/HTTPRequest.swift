/// One HTTP request as the application sees it: the path still percent-encoded (each segment is
/// decoded on its own by the router), header names lower-cased, the whole body.
struct HTTPRequest: Sendable {
    var method: String
    /// The request target's path, exactly as sent (percent-encoding kept), without the query.
    var path: String
    /// Query parameters in order, names and values percent-decoded.
    var query: [(name: String, value: String)]
    /// Header names lower-cased; a repeated header keeps its values joined by ", ".
    var headers: [String: String]
    var body: [UInt8]
    /// For a request inside a JSON batch: the batch request's `request-id` (for the journal).
    var batchID: String?

    init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name] }
}
