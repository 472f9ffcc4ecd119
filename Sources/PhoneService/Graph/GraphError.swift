/// An error as Graph reports it: an HTTP status, an error code and a message, sent in Graph's
/// error envelope. Every failure a request can meet becomes one of these in `RequestPipeline`.
struct GraphError: Error, Sendable, Equatable {
    var status: Int
    var code: String
    var message: String
    /// Extra response headers (`Allow`, `Retry-After`).
    var headers: [String: String] = [:]
    /// What went wrong underneath (SQLite's message and extended code), for the operator's log
    /// line of a 5xx; never sent to the client.
    var cause: String?
    /// Why a `403` was refused (what would have been accepted, what the caller had), for the
    /// journal row and the log line; the client gets Graph's plain `accessDenied`.
    var explanation: String?

    init(
        status: Int, code: String, message: String, headers: [String: String] = [:], cause: String? = nil,
        explanation: String? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.cause = cause
        self.explanation = explanation
    }

    static func badRequest(_ message: String) -> GraphError {
        GraphError(status: 400, code: "badRequest", message: message)
    }

    static func segmentNotFound(_ segment: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest", message: "Resource not found for the segment '\(segment)'.")
    }

    static func invalidVersion(_ version: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest", message: "Invalid version: \(version)")
    }

    static func methodNotAllowed(allow: [String]) -> GraphError {
        GraphError(
            status: 405, code: "Request_BadRequest",
            message: "Specified HTTP method is not allowed for the request target.",
            headers: ["Allow": allow.joined(separator: ", ")])
    }

    static func unauthenticated(_ message: String) -> GraphError {
        GraphError(status: 401, code: "InvalidAuthenticationToken", message: message)
    }

    /// Graph's `403`, the same on the wire whatever was missing; `explanation` says what was.
    static func accessDenied(_ explanation: String) -> GraphError {
        GraphError(
            status: 403, code: "accessDenied", message: "Request Authorization failed", explanation: explanation)
    }

    static func userNotFound(_ key: String) -> GraphError {
        GraphError(
            status: 404, code: "Request_ResourceNotFound",
            message:
                "Resource '\(key)' does not exist or one of its queried reference-property objects are not present.")
    }

    /// Something the request names does not exist (a phone method, a snapshot, an admin route).
    static func itemNotFound(_ message: String) -> GraphError {
        GraphError(status: 404, code: "itemNotFound", message: message)
    }

    static func methodNotFound(_ id: String) -> GraphError {
        itemNotFound("The phone method '\(id)' was not found for this user.")
    }

    static func conflict(_ message: String) -> GraphError {
        GraphError(status: 409, code: "conflict", message: message)
    }

    static let phoneNumberNotUnique = GraphError(
        status: 409, code: "phoneNumberNotUnique",
        message: "The phone number is already registered for SMS sign-in by another user.")

    static let smsSignInNotAllowedByPolicy = GraphError.badRequest(
        "Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user")

    static func bodyTooLarge(limit: Int) -> GraphError {
        GraphError(
            status: 413, code: "requestEntityTooLarge",
            message: "The request body is larger than the limit of \(limit) bytes.")
    }

    static func headersTooLarge(limit: Int) -> GraphError {
        GraphError(
            status: 431, code: "requestHeaderFieldsTooLarge",
            message: "The request headers are larger than the limit of \(limit) bytes.")
    }

    static func unsupportedMediaType(_ found: String?) -> GraphError {
        GraphError(
            status: 415, code: "unsupportedMediaType",
            message: "The request body must be JSON with 'Content-Type: application/json'"
                + (found.map { "; found '\($0)'." } ?? "; no Content-Type was sent."))
    }

    static let generalException = GraphError(
        status: 500, code: "generalException", message: "An internal error occurred. The request was not completed.")

    /// A 500 that keeps what caused it for the log.
    static func internalError(cause: String) -> GraphError {
        var error = generalException
        error.cause = cause
        return error
    }

    /// Throttled: `429` with the seconds to wait in `Retry-After`.
    static func tooManyRequests(retryAfter seconds: Int) -> GraphError {
        GraphError(
            status: 429, code: "TooManyRequests",
            message: "Too many requests for this application or tenant; retry after \(seconds) seconds.",
            headers: ["Retry-After": String(seconds)])
    }

    static let serviceNotAvailable = GraphError(
        status: 503, code: "serviceNotAvailable", message: "The service is temporarily unavailable. Try again later.")
}
