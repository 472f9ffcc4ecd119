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

    func noContent() -> HTTPResponse {
        HTTPResponse(status: 204, headers: commonHeaders)
    }

    /// Graph's error envelope. `innerError.date` must be ISO 8601 with `Z`, or Microsoft's SDKs
    /// drop the whole error.
    func error(_ error: GraphError) -> HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        writer.beginObject()
        writer.key("code")
        writer.string(error.code)
        writer.key("message")
        writer.string(error.message)
        writer.key("innerError")
        writer.beginObject()
        writer.key("date")
        writer.string(Timestamp.now())
        writer.key("request-id")
        writer.string(requestID)
        writer.key("client-request-id")
        writer.string(clientRequestID)
        writer.endObject()
        writer.endObject()
        writer.endObject()
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")] + commonHeaders
        for (name, value) in error.headers.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        return HTTPResponse(status: error.status, headers: headers, body: writer.bytes)
    }
}
