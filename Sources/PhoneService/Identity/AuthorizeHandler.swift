import Foundation
import PhoneStore

/// `/{tenant}/oauth2/v2.0/authorize`: the authorization code flow's sign-in page. `GET` shows a
/// form for the tenant's users (with the request's parameters carried along); `POST` checks the
/// password and sends `code` and `state` to the registered redirect URI as `response_mode` says:
/// `query` (the default) or `fragment` in a redirect, `form_post` as a page that posts them. A
/// redirect URI that is not registered, or an unknown app, gets an error page, never a redirect.
/// v1's `/{tenant}/oauth2/authorize` is the same page with `resource` for `scope` (ADAL-era clients).
struct AuthorizeHandler: Sendable {
    let store: PhoneStore
    let codes: AuthorizationCodes
    /// v1: `resource` names the API, and the code grants the app's static consent (`.default`).
    var v1 = false

    /// What a v1 code grants, as v2 names it: every delegated permission of the app, an ID token
    /// and a refresh token (v1's code answer has both).
    static let v1Scope = Scopes.graphPrefix + ".default openid offline_access"

    /// The parameters carried from the app's request through the page.
    static let carried = [
        "client_id", "response_type", "redirect_uri", "scope", "state", "nonce", "code_challenge",
        "code_challenge_method", "response_mode", "login_hint", "prompt", "resource",
    ]

    func show(_ call: Call) -> HandlerOutcome {
        var fields: [String: String] = [:]
        for (name, value) in call.request.query where fields[name] == nil { fields[name] = value }
        return respond(call, fields: fields, submitted: false)
    }

    func submit(_ call: Call) -> HandlerOutcome {
        let fields = (try? FormBody(call.request.body).fields) ?? [:]
        return respond(call, fields: fields, submitted: true)
    }

    private func respond(_ call: Call, fields: [String: String], submitted: Bool) -> HandlerOutcome {
        let (store, codes, response, v1) = (store, codes, call.response, v1)
        let path = call.request.path
        return IdentityHandler.answer(call) { authority in
            let tenant: Tenant
            let app: AppRegistration
            let redirectURI: String
            let scope: String
            do {
                tenant = try authority.resolve(store, error: "invalid_request")
                let clientID = fields["client_id"] ?? ""
                guard let found = try store.appRegistration(appID: clientID) else {
                    throw EntraError.unknownApplication(clientID, tenant: tenant.id)
                }
                app = found
                redirectURI = fields["redirect_uri"] ?? ""
                guard app.redirectURIs.contains(redirectURI) else {
                    throw EntraError.redirectURIMismatch(redirectURI, appID: app.appID)
                }
                guard ResponseMode(rawValue: fields["response_mode"] ?? "query") != nil else {
                    throw EntraError(
                        "invalid_request", 70007,
                        "The application requested an unsupported mode '\(fields["response_mode"] ?? "")' when "
                            + "requesting a token.")
                }
                guard fields["response_type"] == "code" else {
                    throw EntraError(
                        "unsupported_response_type", 700_054,
                        "response_type '\(fields["response_type"] ?? "")' is not enabled for the application.")
                }
                if v1 {
                    // Optional here: the token endpoint asks for it again.
                    if let resource = fields["resource"], !Scopes.isGraph(resource: resource) {
                        throw EntraError.unknownResource(resource, tenant: tenant.id)
                    }
                    scope = Self.v1Scope
                } else {
                    scope = fields["scope"] ?? ""
                    _ = try Scopes(scope, tenant: tenant)
                }
            } catch let error as EntraError {
                return Self.page(
                    response, status: 400,
                    body: "<h1>Sorry, but we're having trouble signing you in.</h1>"
                        + "<p>AADSTS\(error.code): \(Self.escape(error.message))</p>")
            }
            var problem: String?
            if submitted {
                let login = fields["login"] ?? ""
                if let user = try store.user(key: login), login.contains("@"),
                    let stored = try store.passwordHash(userID: user.id),
                    Secrets.verifyPassword(fields["passwd"] ?? "", against: stored)
                {
                    let challenge = fields["code_challenge"]
                    let code = codes.issue(
                        AuthorizationCodes.Grant(
                            clientID: app.appID, redirectURI: redirectURI, scope: scope,
                            userID: user.id, nonce: fields["nonce"], challenge: challenge,
                            challengeMethod: fields["code_challenge_method"] ?? "plain",
                            expires: Date().timeIntervalSince1970 + AuthorizationCodes.lifetime))
                    var parameters = [("code", code)]
                    if let state = fields["state"] { parameters.append(("state", state)) }
                    parameters.append(("session_state", UUID().uuidString.lowercased()))
                    let mode = ResponseMode(rawValue: fields["response_mode"] ?? "query") ?? .query
                    return mode.deliver(parameters, to: redirectURI, writer: response)
                }
                problem = "Your account or password is incorrect. (AADSTS50126)"
            }
            return Self.page(
                response, status: 200, body: Self.form(action: path, app: app, fields: fields, problem: problem))
        }
    }

    private static func form(action: String, app: AppRegistration, fields: [String: String], problem: String?) -> String
    {
        var html = "<h1>Sign in</h1><p>to continue to \(escape(app.displayName))</p>"
        if let problem { html += "<p role=\"alert\" id=\"error\">\(escape(problem))</p>" }
        html += "<form method=\"post\" action=\"\(escape(action))\">"
        for name in carried {
            if let value = fields[name] {
                html += "<input type=\"hidden\" name=\"\(name)\" value=\"\(escape(value))\">"
            }
        }
        let hint = fields["login"] ?? fields["login_hint"] ?? ""
        html += "<label>Email <input type=\"email\" name=\"login\" value=\"\(escape(hint))\" autofocus></label>"
        html += "<label>Password <input type=\"password\" name=\"passwd\"></label>"
        html += "<button type=\"submit\">Sign in</button></form>"
        return html
    }

    static func page(_ writer: ResponseWriter, status: Int, body: String) -> HTTPResponse {
        let html =
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to your account</title>"
            + "</head><body>\(body)</body></html>"
        return writer.json(status: status, body: Array(html.utf8), contentType: "text/html; charset=utf-8")
    }

    /// HTML-escapes text for element content and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
