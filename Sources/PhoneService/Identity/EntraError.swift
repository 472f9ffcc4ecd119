import Foundation
import PhoneStore

/// An error as Entra ID's token and discovery endpoints report it: an HTTP status, an OAuth error
/// (`invalid_client`, `invalid_grant`, ...) and an AADSTS code whose text starts the description.
/// Codes are Entra's (docs/sign-in.md lists them, with the ones this service is unsure of).
struct EntraError: Error, Sendable, Equatable {
    var status: Int
    var error: String
    var code: Int
    var message: String
    /// `consent_required`, `bad_token`, ...: MSAL reads it.
    var suberror: String?
    /// Seconds to wait (`Retry-After`), from a fault rule on a sign-in path.
    var retryAfter: String?

    init(status: Int = 400, _ error: String, _ code: Int, _ message: String, suberror: String? = nil) {
        self.status = status
        self.error = error
        self.code = code
        self.message = message
        self.suberror = suberror
    }

    /// The body: `error`, `error_description` ("AADSTS<code>: <message>" and the ids, as Entra
    /// writes them), `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
    func response(_ writer: ResponseWriter, base: String) -> HTTPResponse {
        let timestamp = Timestamp.now().replacingOccurrences(of: "T", with: " ")
        let description =
            "AADSTS\(code): \(message) Trace ID: \(writer.requestID) Correlation ID: \(writer.clientRequestID) "
            + "Timestamp: \(timestamp)"
        var members: [(key: String, value: JSONValue)] = [
            ("error", .string(error)),
            ("error_description", .string(description)),
            ("error_codes", .array([.number(Double(code))])),
            ("timestamp", .string(timestamp)),
            ("trace_id", .string(writer.requestID)),
            ("correlation_id", .string(writer.clientRequestID)),
            ("error_uri", .string(IdentityURLs.errorURI(base: base, code: code))),
        ]
        if let suberror { members.append(("suberror", .string(suberror))) }
        var json = JSONWriter()
        json.value(.object(members))
        var answer = writer.json(status: status, body: json.bytes, contentType: "application/json; charset=utf-8")
        answer.headers.append(("Pragma", "no-cache"))
        if let retryAfter { answer.headers.append(("Retry-After", retryAfter)) }
        return answer
    }

    /// A Graph-side failure on a sign-in path (no route, a wrong method, a store fault) in Entra's shape.
    init(_ failure: GraphError) {
        switch failure.status {
        case 405:
            self.init(
                "invalid_request", 900561,
                "The endpoint only accepts \(failure.headers["Allow"] ?? "POST") requests.")
        case 404:
            self.init(status: 404, "invalid_request", 900_023, "The request path is not a sign-in endpoint.")
        case 429:
            // [choice] throttling as a transient error: MSAL and azure-identity retry it after Retry-After.
            self.init(status: 429, "temporarily_unavailable", 90_033, "A transient error has occurred.")
        case 400..<500:
            self.init(status: failure.status, "invalid_request", 900_144, failure.message)
        default:
            self.init(status: failure.status, "temporarily_unavailable", 90_033, "A transient error has occurred.")
        }
        retryAfter = failure.headers["Retry-After"]
    }

    // MARK: The errors the endpoints answer

    static func unknownTenant(_ tenant: String, error: String = "invalid_request") -> EntraError {
        EntraError(
            error, 90002,
            "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the "
                + "correct cloud.")
    }

    /// An app signing in as itself must name its tenant: `common` and `organizations` do not.
    static let noTenantInformation = EntraError(
        "invalid_request", 50059,
        "No tenant-identifying information found in either the request or implied by any provided credentials.")

    static func missingParameter(_ name: String) -> EntraError {
        EntraError("invalid_request", 900_144, "The request body must contain the following parameter: '\(name)'.")
    }

    static func unsupportedGrantType(_ type: String) -> EntraError {
        EntraError("unsupported_grant_type", 70003, "The app requested an unsupported grant type '\(type)'.")
    }

    static func unknownApplication(_ appID: String, tenant: String) -> EntraError {
        EntraError(
            "unauthorized_client", 700_016,
            "Application with identifier '\(appID)' was not found in the directory '\(tenant)'. This can happen if "
                + "the application has not been installed by the administrator of the tenant or consented to by any "
                + "user in the tenant. You may have sent your authentication request to the wrong tenant.")
    }

    static func missingClientCredential() -> EntraError {
        EntraError(
            status: 401, "invalid_client", 7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
    }

    static func invalidSecret(_ appID: String) -> EntraError {
        EntraError(
            status: 401, "invalid_client", 7_000_215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
                + "not the client secret ID, for a secret added to app '\(appID)'.")
    }

    static func expiredSecret(_ appID: String) -> EntraError {
        EntraError(
            status: 401, "invalid_client", 7_000_222,
            "The provided client secret keys for app '\(appID)' are expired. Visit the Azure portal to create new "
                + "keys for your app, or consider using certificate credentials for added security.")
    }

    static func badAssertion(_ code: Int, _ message: String) -> EntraError {
        EntraError(status: 401, "invalid_client", code, message)
    }

    static func invalidScope(_ scope: String) -> EntraError {
        EntraError(
            "invalid_scope", 70011,
            "The provided request must include a 'scope' input parameter. The provided value for the input parameter "
                + "'scope' is not valid. The scope '\(scope)' is not valid.")
    }

    static func clientCredentialsNeedDefault(_ scope: String) -> EntraError {
        EntraError(
            "invalid_scope", 1_002_012,
            "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with "
                + "/.default suffixed to the resource identifier (application ID URI).")
    }

    static func consentRequired(appID: String, name: String) -> EntraError {
        EntraError(
            "invalid_grant", 65001,
            "The user or administrator has not consented to use the application with ID '\(appID)' named '\(name)'. "
                + "Send an interactive authorization request for this user and resource.", suberror: "consent_required")
    }

    static let wrongPassword = EntraError(
        "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")

    static func unknownUser(tenant: String) -> EntraError {
        EntraError(
            "invalid_grant", 50034,
            "The user account {EmailHidden} does not exist in the \(tenant) directory. To sign into this application, "
                + "the account must be added to the directory.")
    }

    static let badRefreshToken = EntraError(
        "invalid_grant", 9_002_313, "Invalid request. Request is malformed or invalid.", suberror: "bad_token")

    static let expiredGrant = EntraError(
        "invalid_grant", 70008,
        "The provided authorization code or refresh token has expired due to inactivity.")

    static func unknownResource(_ resource: String, tenant: String) -> EntraError {
        EntraError(
            "invalid_resource", 500_011,
            "The resource principal named \(resource) was not found in the tenant named \(tenant). This can happen if "
                + "the application has not been installed by the administrator of the tenant or consented to by any "
                + "user in the tenant. You might have sent your authentication request to the wrong tenant.")
    }

    static let authorizationPending = EntraError(
        "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")

    static let deviceCodeExpired = EntraError("expired_token", 70019, "Verification code expired.")

    static let badDeviceCode = EntraError(
        "invalid_grant", 9_002_313, "Invalid request. Request is malformed or invalid. The device code is unknown.")

    static let codeRedeemed = EntraError(
        "invalid_grant", 54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing "
            + "refresh token.")

    static let badAuthorizationCode = EntraError(
        "invalid_grant", 9_002_313, "Invalid request. Request is malformed or invalid. The code is unknown.")

    static let pkceMismatch = EntraError(
        "invalid_grant", 501_481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.")

    static func redirectURIMismatch(_ uri: String, appID: String) -> EntraError {
        EntraError(
            "invalid_request", 50011,
            "The redirect URI '\(uri)' specified in the request does not match the redirect URIs configured for the "
                + "application '\(appID)'.")
    }
}
