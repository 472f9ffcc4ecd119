/// `POST /{version}/$batch`: Graph's JSON batching. The batch is checked as a whole first (a
/// malformed batch runs nothing); then each inner request goes through `Application.handle`, the
/// same pipeline as a direct request, one at a time (`BatchRun`), and the answers are gathered
/// into one `200` with `{"responses": [...]}` in the order of the requests.
struct BatchHandler: Sendable {
    let application: Application

    func handle(_ version: APIVersion, _ request: HTTPRequest, response: ResponseWriter) throws(GraphError)
        -> HandlerOutcome
    {
        guard request.method == "POST" else { throw .methodNotAllowed(allow: ["POST"]) }
        let members = try JSONBody.members(of: request, describing: "a 'requests' array")
        let requests = try BatchRequest.parseBatch(members)
        let order = try BatchRequest.executionOrder(requests)
        let run = BatchRun(
            application: application, version: version, requests: requests, order: order,
            authorization: request.header("authorization"), batchID: response.requestID)
        return .deferred { finish in
            run.start { answers in
                finish(.success(response.json(status: 200, body: BatchResponseBody.encode(requests, answers))))
            }
        }
    }
}
