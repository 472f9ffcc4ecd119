import PhoneStore

extension IdentityHandler {
    /// Starts a device code sign-in: `client_id` and `scope` in a form. The code is approved
    /// through the admin API (`POST /_admin/devicecodes/{userCode}/approve`) or on the device login
    /// page; the client polls the token endpoint meanwhile and hears `authorization_pending`.
    func deviceCode(_ call: Call) -> HandlerOutcome { startDeviceCode(call, v1: false) }

    /// v1's `/oauth2/devicecode`: `resource` for `scope`, and the answer in v1's shape
    /// (`verification_url`, numbers as strings), as ADAL reads it; polled at the v1 token endpoint
    /// with `grant_type=device_code` and `code`.
    func deviceCodeV1(_ call: Call) -> HandlerOutcome { startDeviceCode(call, v1: true) }

    private func startDeviceCode(_ call: Call, v1: Bool) -> HandlerOutcome {
        let (store, deviceCodes, request) = (store, deviceCodes, call.request)
        return Self.answer(call) { authority in
            let tenant = try authority.resolve(store, error: "invalid_request")
            let form = try FormBody(request.body)
            let clientID = try form.required("client_id")
            guard let app = try store.appRegistration(appID: clientID) else {
                throw EntraError.unknownApplication(clientID, tenant: tenant.id)
            }
            let scope: String
            if v1 {
                let resource = try form.required("resource")
                guard Scopes.isGraph(resource: resource) else {
                    throw EntraError.unknownResource(resource, tenant: tenant.id)
                }
                // What v1 grants (the app's static consent), as v2 names it.
                scope = Scopes.graphPrefix + ".default offline_access"
            } else {
                scope = try form.required("scope")
                _ = try Scopes(scope, tenant: tenant)
            }
            let pending = deviceCodes.start(clientID: app.appID, scope: scope)
            let uri = authority.base + "/" + authority.pathTenant(tenant) + "/oauth2/v2.0/devicelogin"
            let message =
                "To sign in, use a web browser to open the page \(uri) and enter the code \(pending.userCode) "
                + "to authenticate."
            func number(_ value: Int) -> JSONValue { v1 ? .string(String(value)) : .number(Double(value)) }
            let value: JSONValue = .object([
                ("user_code", .string(pending.userCode)), ("device_code", .string(pending.deviceCode)),
                (v1 ? "verification_url" : "verification_uri", .string(uri)),
                ("expires_in", number(Int(DeviceCodes.lifetime))), ("interval", number(DeviceCodes.interval)),
                ("message", .string(message)),
            ])
            return call.response.json(status: 200, value: value)
        }
    }
}
