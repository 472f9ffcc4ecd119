import PhoneStore

/// `GET /_admin/phones[?user=]`: every phone (or one user's) with its SMS sign-in state and the
/// reason it is not `ready`, for the dashboard and for tests; behind the admin key like the rest
/// of the admin API. Numbers are shown whole: the admin key sees the tenant as it is.
struct PhoneStatesHandler: Sendable {
    let store: PhoneStore

    func register(in table: inout RouteTable<Endpoint>) {
        table.add("GET", "/\(RouteFamily.adminPrefix)/phones", Endpoint(throttled: false, list))
    }

    func list(_ call: Call) throws -> HandlerOutcome {
        var userID: String?
        for (name, value) in call.request.query {
            guard name == "user" else { throw GraphError.badRequest("Unknown filter '\(name)'; expected 'user'.") }
            guard let user = try store.user(key: value) else {
                throw GraphError.itemNotFound("There is no user '\(value)'.")
            }
            userID = user.id
        }
        let phones = try store.phoneStates(userID: userID).map { phone -> JSONValue in
            .object([
                ("userId", .string(phone.userID)), ("userPrincipalName", .string(phone.userPrincipalName)),
                ("phoneType", .string(phone.type)), ("phoneNumber", .string(phone.number)),
                ("createdDateTime", .string(phone.createdAt)), ("smsSignInState", .string(phone.smsSignInState)),
                ("reason", .string(phone.reason)),
            ])
        }
        return .response(call.response.json(status: 200, value: AdminHandler.list(phones)))
    }
}
