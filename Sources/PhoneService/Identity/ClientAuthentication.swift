import Foundation
import PhoneStore

/// Who is asking the token endpoint: the app named by `client_id` (in the form, or HTTP Basic), and
/// how it proved it: a client secret, a certificate's signed assertion, or nothing (a public client,
/// for user sign-ins only).
struct ClientAuthentication: Sendable {
    let store: PhoneStore
    let tenant: Tenant
    let authority: Authority

    struct Client: Sendable {
        let app: AppRegistration
        /// The app as its tokens name it.
        let issued: TokenIssuer.Client
    }

    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    func authenticate(_ form: FormBody, authorization: String?, grant: String) throws -> Client {
        var clientID = form["client_id"]
        var secret = form["client_secret"]
        if let authorization, let basic = Self.basic(authorization) {
            clientID = clientID ?? basic.id
            secret = secret ?? basic.secret
        }
        guard let clientID else { throw EntraError.missingParameter("client_id") }
        guard let app = try store.appRegistration(appID: clientID) else {
            throw EntraError.unknownApplication(clientID, tenant: tenant.id)
        }
        let how: String
        if let secret {
            guard let match = Secrets.matchingSecret(secret, among: app.secrets) else {
                throw EntraError.invalidSecret(app.appID)
            }
            guard match.endDateTime > Timestamp.now() else { throw EntraError.expiredSecret(app.appID) }
            how = "1"
        } else if let assertion = form["client_assertion"] {
            guard form["client_assertion_type"] == Self.assertionType else {
                throw EntraError.badAssertion(
                    700_023, "The client_assertion_type must be '\(Self.assertionType)'.")
            }
            try ClientAssertion(app: app, authority: authority, tenant: tenant).verify(assertion)
            how = "2"
        } else {
            guard app.isPublicClient, grant != "client_credentials" else { throw EntraError.missingClientCredential() }
            how = "0"
        }
        return Client(
            app: app,
            issued: TokenIssuer.Client(
                appID: app.appID, displayName: app.displayName, objectID: app.objectID, authentication: how))
    }

    /// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or nil.
    static func basic(_ header: String) -> (id: String, secret: String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let pair = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard pair.count == 2, let id = PercentEncoding.decode(pair[0], plusIsSpace: true),
            let secret = PercentEncoding.decode(pair[1], plusIsSpace: true)
        else { return nil }
        return (id, secret)
    }
}
