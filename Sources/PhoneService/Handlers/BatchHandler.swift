/// `POST /{version}/$batch`: Graph's JSON batching. The batch is checked as a whole first (a
/// malformed batch runs nothing); then each inner request goes through the same pipeline as a
/// direct request, one at a time (`BatchRun`), and the answers are gathered into one `200` with
/// `{"responses": [...]}` in the order of the requests.
struct BatchHandler: Sendable {
    func register(in table: inout RouteTable<Endpoint>, version: APIVersion) {
        // Throttling counts the inner requests, each like a direct one.
        table.add("POST", "/\(version.rawValue)/$batch", Endpoint(throttled: false) { try handle(version, $0) })
    }

    func handle(_ version: APIVersion, _ call: Call) throws -> HandlerOutcome {
        let members = try JSONBody.members(of: call.request, describing: "a 'requests' array")
        let requests = try BatchRequest.parseBatch(members)
        let order = try BatchRequest.executionOrder(requests)
        let run = BatchRun(
            pipeline: call.pipeline, version: version, requests: requests, order: order,
            authorization: call.request.header("authorization"), batchID: call.response.requestID)
        let response = call.response
        return .deferred { finish in
            run.start { answers in
                finish(.success(response.json(status: 200, body: BatchResponseBody.encode(requests, answers))))
            }
        }
    }
}
