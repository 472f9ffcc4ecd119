import Foundation
import Logging
import PhoneStore

/// The Graph emulator behind the HTTP server: gives each request its ids, authenticates it,
/// routes it to a handler, turns every failure into Graph's error envelope, and logs one line.
struct Application: Sendable {
    /// Requests whose headers add up to more than this are refused [choice]: room for large tokens.
    static let maximumHeaderBytes = 16 * 1024

    let store: PhoneStore
    let logger: Logger
    let verifier: TokenVerifier
    let phoneMethods: PhoneMethodsHandler
    let smsPolicy: SmsPolicyHandler

    init(store: PhoneStore, logger: Logger) {
        self.store = store
        self.logger = logger
        self.verifier = TokenVerifier(tenant: store.tenant)
        self.phoneMethods = PhoneMethodsHandler(store: store)
        self.smsPolicy = SmsPolicyHandler(store: store)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let response = ResponseWriter(
            request: request, requestID: RequestID.make())
        var principal: Principal?
        let result: HTTPResponse
        do {
            result = try dispatch(request, response: response, principal: &principal)
        } catch {
            if error.status >= 500 {
                logger.error("request failed", metadata: ["request-id": "\(response.requestID)"])
            }
            result = response.error(error)
        }
        log(request, result, principal: principal, response: response, started: started)
        return result
    }

    /// The answer to a body over the limit, in Graph's envelope.
    func tooLarge(_ request: HTTPRequest) -> HTTPResponse {
        let response = ResponseWriter(
            request: request, requestID: RequestID.make())
        let result = response.error(.bodyTooLarge)
        log(request, result, principal: nil, response: response, started: DispatchTime.now().uptimeNanoseconds)
        return result
    }

    private func dispatch(_ request: HTTPRequest, response: ResponseWriter, principal: inout Principal?)
        throws(GraphError) -> HTTPResponse
    {
        let headerBytes = request.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 4 }
        guard headerBytes <= Self.maximumHeaderBytes else { throw .headersTooLarge }
        if request.path == "/healthz" { return try health(request, response: response) }
        let route = try Router.route(request.path)
        let caller = try verifier.principal(authorization: request.header("authorization"))
        principal = caller
        switch route {
        case .phone(let phoneRoute):
            return try phoneMethods.handle(phoneRoute, request, principal: caller, response: response)
        case .smsPolicy(let version):
            return try smsPolicy.handle(version, request, principal: caller, response: response)
        }
    }

    /// `GET /healthz`, without a token: 200 when the database answers a read and yields its write
    /// lock, 503 otherwise. Shows no tenant data.
    private func health(_ request: HTTPRequest, response: ResponseWriter) throws(GraphError) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else { throw .methodNotAllowed(allow: ["GET"]) }
        let healthy = (try? store.probe()) != nil
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("status")
        writer.string(healthy ? "ok" : "unavailable")
        writer.key("version")
        writer.string(BuildInfo.version)
        writer.key("schemaVersion")
        writer.number(store.schemaVersion)
        writer.endObject()
        return response.json(status: healthy ? 200 : 503, body: writer.bytes, contentType: "application/json")
    }

    /// One line per request: never the token, never a body.
    private func log(
        _ request: HTTPRequest, _ result: HTTPResponse, principal: Principal?, response: ResponseWriter, started: UInt64
    ) {
        let micros = (DispatchTime.now().uptimeNanoseconds - started) / 1000
        var metadata: Logger.Metadata = [
            "method": "\(request.method)",
            "path": "\(request.path.prefix(200))",
            "status": "\(result.status)",
            "us": "\(micros)",
            "request-id": "\(response.requestID)",
        ]
        if let principal {
            metadata["caller"] = "\(principal.userID ?? "app:" + principal.appID)"
        }
        logger.info("request", metadata: metadata)
    }
}
