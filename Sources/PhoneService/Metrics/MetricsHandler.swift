/// `GET /metrics`: the Prometheus text exposition, behind the admin key (`RouteFamily.metrics`);
/// and the same without credentials on `--metrics-listen`, an address that serves nothing else.
struct MetricsHandler: Sendable {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    let metrics: ServiceMetrics

    func register(in table: inout RouteTable<Endpoint>) {
        table.add("GET", "/metrics", Endpoint(throttled: false, scrape))
    }

    func scrape(_ call: Call) -> HandlerOutcome {
        .response(call.response.json(status: 200, body: metrics.exposition(), contentType: Self.contentType))
    }

    /// The whole of the `--metrics-listen` server: `GET /metrics`, and 404 or 405 for anything else,
    /// in plain text (a scraper reads no envelope).
    func answerPlain(_ request: HTTPRequest) -> HTTPResponse {
        func text(_ status: Int, _ message: String, _ extra: [(name: String, value: String)] = []) -> HTTPResponse {
            HTTPResponse(
                status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + extra,
                body: Array((message + "\n").utf8))
        }
        guard request.target.segments == ["metrics"] else { return text(404, "Only /metrics is served here.") }
        guard request.method == "GET" || request.method == "HEAD" else {
            return text(405, "Only GET /metrics is served here.", [("Allow", "GET, HEAD")])
        }
        return HTTPResponse(
            status: 200, headers: [("Content-Type", Self.contentType), ("Cache-Control", "no-cache")],
            body: request.method == "HEAD" ? [] : metrics.exposition())
    }
}
