import PhoneStore

/// `/{tenant}/oauth2/v2.0/devicelogin`: the page a device code's `verification_uri` names, where a
/// person enters the code and signs in, approving it as `POST /_admin/devicecodes/{code}/approve`
/// does for a test.
struct DeviceLoginHandler: Sendable {
    let store: PhoneStore
    let deviceCodes: DeviceCodes

    func show(_ call: Call) -> HandlerOutcome {
        let response = call.response
        let path = call.request.path
        return .response(AuthorizeHandler.page(response, status: 200, body: Self.form(action: path, problem: nil)))
    }

    func submit(_ call: Call) -> HandlerOutcome {
        let (store, deviceCodes, response) = (store, deviceCodes, call.response)
        let path = call.request.path
        let fields = (try? FormBody(call.request.body).fields) ?? [:]
        return IdentityHandler.answer(call) { authority in
            _ = try authority.resolve(store)
            let login = fields["login"] ?? ""
            guard let user = try store.user(key: login), login.contains("@"),
                let stored = try store.passwordHash(userID: user.id),
                Secrets.verifyPassword(fields["passwd"] ?? "", against: stored)
            else {
                let problem = "Your account or password is incorrect. (AADSTS50126)"
                return AuthorizeHandler.page(response, status: 200, body: Self.form(action: path, problem: problem))
            }
            guard deviceCodes.approve(userCode: fields["otc"] ?? "", userID: user.id) else {
                let problem = "That code didn't work. Check the code and try again. (AADSTS70019)"
                return AuthorizeHandler.page(response, status: 200, body: Self.form(action: path, problem: problem))
            }
            return AuthorizeHandler.page(
                response, status: 200,
                body: "<h1>You have signed in</h1><p>You may now close this window and return to the device.</p>")
        }
    }

    private static func form(action: String, problem: String?) -> String {
        var html = "<h1>Enter code</h1><p>Enter the code displayed on your app or device, then sign in.</p>"
        if let problem { html += "<p role=\"alert\" id=\"error\">\(AuthorizeHandler.escape(problem))</p>" }
        html += "<form method=\"post\" action=\"\(AuthorizeHandler.escape(action))\">"
        html += "<label>Code <input name=\"otc\" autofocus></label>"
        html += "<label>Email <input type=\"email\" name=\"login\"></label>"
        html += "<label>Password <input type=\"password\" name=\"passwd\"></label>"
        html += "<button type=\"submit\">Sign in</button></form>"
        return html
    }
}
