import PhoneStore

// The user a code signed in, for both token endpoints' code grants.

extension DeviceCodes {
    /// The user who approved `deviceCode`, and the scope it was started with (v2's names).
    func user(deviceCode: String, client: ClientAuthentication.Client, store: PhoneStore) throws -> (User, String) {
        let pending = try redeem(deviceCode: deviceCode, clientID: client.app.appID)
        guard let userID = pending.approvedUserID, let user = try store.user(key: userID) else {
            throw EntraError.badDeviceCode
        }
        return (user, pending.scope)
    }
}

extension AuthorizationCodes {
    /// The user the form's `code` signed in, and its grant (checked against `redirect_uri` and
    /// `code_verifier`).
    func user(_ form: FormBody, client: ClientAuthentication.Client, store: PhoneStore) throws -> (
        User, AuthorizationCodes.Grant
    ) {
        let grant = try redeem(
            try form.required("code"), clientID: client.app.appID, redirectURI: form["redirect_uri"],
            verifier: form["code_verifier"])
        guard let user = try store.user(key: grant.userID) else { throw EntraError.badAuthorizationCode }
        return (user, grant)
    }
}
