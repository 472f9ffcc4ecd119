import PhoneStore

/// `/{tenant}/oauth2/v2.0/logout` (and v1's `/oauth2/logout`), the discovery documents'
/// `end_session_endpoint`. There is no sign-in session to end here (each sign-in page stands
/// alone), so signing out only answers as Entra does: back to `post_logout_redirect_uri` when it
/// is a redirect URI registered for `client_id`, with `state`; otherwise a "signed out" page.
struct LogoutHandler: Sendable {
    let store: PhoneStore

    func signOut(_ call: Call) -> HandlerOutcome {
        var fields: [String: String] = [:]
        for (name, value) in call.request.query where fields[name] == nil { fields[name] = value }
        if call.request.method == "POST", let form = try? FormBody(call.request.body).fields {
            fields.merge(form) { query, _ in query }
        }
        let (store, response, asked) = (store, call.response, fields)
        return IdentityHandler.answer(call) { authority in
            _ = try authority.resolve(store, error: "invalid_request")
            if let target = asked["post_logout_redirect_uri"], let clientID = asked["client_id"],
                let app = try store.appRegistration(appID: clientID), app.redirectURIs.contains(target)
            {
                var location = target
                if let state = asked["state"] {
                    location += (target.contains("?") ? "&" : "?") + "state=" + PercentEncoding.encode(state)
                }
                return HTTPResponse(status: 302, headers: [("Location", location), ("Cache-Control", "no-store")])
            }
            return AuthorizeHandler.page(
                response, status: 200,
                body: "<h1>You signed out of your account</h1><p>It's a good idea to close all browser windows.</p>")
        }
    }
}
