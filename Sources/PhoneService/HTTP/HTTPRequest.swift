/// One HTTP request as the application sees it: its target (the path as sent and decoded once, the
/// query), header names lower-cased, the whole body.
struct HTTPRequest: Sendable {
    var method: String
    let target: RequestTarget
    /// Header names lower-cased; a repeated header keeps its values joined by ", ".
    var headers: [String: String]
    var body: [UInt8]
    /// For a request inside a JSON batch: the batch request's `request-id` (for the journal).
    var batchID: String?
    /// Whether the request came over HTTPS (the listener that read it speaks TLS).
    var isTLS = false

    init(method: String, target: RequestTarget, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// A request whose query is decoded already (tests, fuzzers).
    init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.init(method: method, target: RequestTarget(path: path, query: query), headers: headers, body: body)
    }

    /// The path exactly as sent (percent-encoding kept), without the query.
    var path: String { target.path }
    var query: [(name: String, value: String)] { target.query }

    func header(_ name: String) -> String? { headers[name] }
}
