import PhoneStore

/// Builds Graph's responses: OData JSON with the headers every Graph response carries.
struct ResponseWriter: Sendable {
    static let odataContentType =
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

    /// This request's id (a new GUID) and the caller's `client-request-id`, or the request id.
    let requestID: String
    let clientRequestID: String
    /// What the handlers learn for the request journal.
    let facts = RequestFacts()

    init(request: HTTPRequest, requestID: String) {
        self.requestID = requestID
        let sent = request.header("client-request-id") ?? ""
        // Echo only a sane value: it goes back into a header.
        let printable = !sent.isEmpty && sent.utf8.count <= 200 && sent.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
        self.clientRequestID = printable ? sent : requestID
    }

    private var commonHeaders: [(name: String, value: String)] {
        [("request-id", requestID), ("client-request-id", clientRequestID), ("Cache-Control", "no-cache")]
    }

    func json(status: Int, body: [UInt8], contentType: String = odataContentType) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)] + commonHeaders, body: body)
    }

    /// A plain JSON body (not OData): the admin API, `/healthz`.
    func json(status: Int, value: JSONValue) -> HTTPResponse {
        var writer = JSONWriter()
        writer.value(value)
        return json(status: status, body: writer.bytes, contentType: "application/json")
    }

    func noContent() -> HTTPResponse {
        HTTPResponse(status: 204, headers: commonHeaders)
    }

    /// Graph's error envelope. `innerError.date` must be ISO 8601 with `Z`, or Microsoft's SDKs
    /// drop the whole error.
    func error(_ error: GraphError) -> HTTPResponse {
        let envelope: JSONValue = .object([
            (
                "error",
                .object([
                    ("code", .string(error.code)),
                    ("message", .string(error.message)),
                    (
                        "innerError",
                        .object([
                            ("date", .string(Timestamp.now())),
                            ("request-id", .string(requestID)),
                            ("client-request-id", .string(clientRequestID)),
                        ])
                    ),
                ])
            )
        ])
        var writer = JSONWriter()
        writer.value(envelope)
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")] + commonHeaders
        for (name, value) in error.headers.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        return HTTPResponse(status: error.status, headers: headers, body: writer.bytes)
    }
}
