import PhoneStore

/// The phone methods endpoints: list, get, create, update, delete, and the SMS sign-in actions,
/// for `/users/{id | userPrincipalName}` and `/me`, under `phoneMethods` and `methods`, on both
/// versions. Each handler checks the caller's permission before the target is looked up, reads the
/// target (and the phones it needs) in one read transaction, then checks the permission on it.
struct PhoneMethodsHandler: Sendable {
    let store: PhoneStore

    /// Adds the routes of `version` to `table`.
    func register(in table: inout RouteTable<Endpoint>, version: APIVersion) {
        for user in ["me", "users/{user}"] {
            for collection in MethodCollection.allCases {
                let base = "/\(version.rawValue)/\(user)/authentication/\(collection.rawValue)"
                let route: @Sendable (Call) -> PhoneRoute = { call in
                    PhoneRoute(
                        version: version, user: call.parameters["user"].map(UserReference.user) ?? .me,
                        collection: collection, methodID: call.parameters["method"])
                }
                func add(
                    _ method: String, _ pattern: String,
                    _ handle: @escaping @Sendable (PhoneRoute, Call) throws -> HandlerOutcome
                ) {
                    table.add(method, pattern, Endpoint(addressesUser: true) { call in try handle(route(call), call) })
                }
                add("GET", base, list)
                if collection == .phoneMethods { add("POST", base, create) }
                add("GET", base + "/{method}", get)
                if collection == .phoneMethods {
                    add("PATCH", base + "/{method}", update)
                    add("DELETE", base + "/{method}", delete)
                    // Older automation uses PUT; beta treats it as PATCH [choice].
                    if version == .beta { add("PUT", base + "/{method}", update) }
                }
                add("POST", base + "/{method}/~enableSmsSignIn") { try smsSignIn($0, $1, enable: true) }
                add("POST", base + "/{method}/~disableSmsSignIn") { try smsSignIn($0, $1, enable: false) }
            }
        }
    }

    func list(_ route: PhoneRoute, _ call: Call) throws -> HandlerOutcome {
        let options = try QueryOptions.parse(call.request.query, version: route.version, isList: true)
        // `$filter=phoneType eq '…'` is applied by the selection.
        let selection: PhoneStore.PhoneSelection = options.phoneType.map { .only($0) } ?? .all
        let target = try resolve(route, call, .read, phones: selection)
        let representation = target.representation(route, select: options.select)
        let context = representation.context(userKey: target.contextKey, collection: route.collection, entity: false)
        let body = representation.collection(target.phones, context: context, odataType: route.collection == .methods)
        return .response(call.response.json(status: 200, body: body))
    }

    func get(_ route: PhoneRoute, _ call: Call) throws -> HandlerOutcome {
        let options = try QueryOptions.parse(call.request.query, version: route.version, isList: false)
        // Only the phone the id names is read; an unknown id reads none and is refused after the
        // user and the permission, as Graph does.
        let selection: PhoneStore.PhoneSelection = route.phoneType.map { .only($0) } ?? .none
        let target = try resolve(route, call, .read, phones: selection)
        let type = try route.requirePhoneType()
        guard let method = target.phones.first, method.type == type else {
            throw GraphError.methodNotFound(route.methodID ?? "")
        }
        let representation = target.representation(route, select: options.select)
        let context = representation.context(userKey: target.contextKey, collection: route.collection, entity: true)
        let body = representation.entity(method, context: context, odataType: route.collection == .methods)
        return .response(call.response.json(status: 200, body: body))
    }

    func create(_ route: PhoneRoute, _ call: Call) throws -> HandlerOutcome {
        let options = try QueryOptions.parse(call.request.query, version: route.version, isList: false)
        let target = try resolve(route, call, .createOrUpdate, phones: .none)
        let body = try PhoneMethodBody.parse(call.request, version: route.version)
        guard let number = body.phoneNumber else { throw GraphError.badRequest("Property 'phoneNumber' is required.") }
        guard let type = body.phoneType else { throw GraphError.badRequest("Property 'phoneType' is required.") }
        let representation = target.representation(route, select: options.select)
        let context = representation.context(userKey: target.contextKey, collection: route.collection, entity: true)
        let response = call.response
        return .write(
            store, .createPhoneMethod(userID: target.user.id, type: type, number: number), status: 201,
            check: { method throws(GraphError) in
                // The journal row names the phone a create made (set before the row is built).
                response.facts.phoneMethodID = method.type.methodID
                try Self.refuseCollision(method)
            }
        ) { method in response.json(status: 201, body: representation.entity(method, context: context)) }
    }

    func update(_ route: PhoneRoute, _ call: Call) throws -> HandlerOutcome {
        _ = try QueryOptions.parse(call.request.query, version: route.version, isList: false)
        let target = try resolve(route, call, .createOrUpdate, phones: .none)
        let type = try route.requirePhoneType()
        let body = try PhoneMethodBody.parse(call.request, version: route.version)
        if let sent = body.phoneType, sent != type {
            throw GraphError.badRequest("Property 'phoneType' cannot be changed: this method is '\(type.rawValue)'.")
        }
        guard let number = body.phoneNumber else { throw GraphError.badRequest("Property 'phoneNumber' is required.") }
        let response = call.response
        return .write(
            store, .updatePhoneMethod(userID: target.user.id, type: type, number: number), status: 204,
            check: Self.refuseCollision
        ) { _ in response.noContent() }
    }

    func delete(_ route: PhoneRoute, _ call: Call) throws -> HandlerOutcome {
        _ = try QueryOptions.parse(call.request.query, version: route.version, isList: false)
        let target = try resolve(route, call, .write, phones: .none)
        let type = try route.requirePhoneType()
        let response = call.response
        return .write(store, .deletePhoneMethod(userID: target.user.id, type: type), status: 204) { _ in
            response.noContent()
        }
    }

    func smsSignIn(_ route: PhoneRoute, _ call: Call, enable: Bool) throws -> HandlerOutcome {
        _ = try QueryOptions.parse(call.request.query, version: route.version, isList: false)
        let target = try resolve(route, call, .write, phones: .none)
        let type = try route.requirePhoneType()
        let (userID, response) = (target.user.id, call.response)
        let write: PendingWrite<PhoneMethod> =
            enable ? .enableSmsSignIn(userID: userID, type: type) : .disableSmsSignIn(userID: userID, type: type)
        return .write(store, write, status: 204) { _ in response.noContent() }
    }

    /// A mobile saved for a user the SMS policy allows, whose number another user holds for SMS
    /// sign-in, is kept, but the request answers 409 `phoneNumberNotUnique`, as the real service does.
    @Sendable static func refuseCollision(_ method: PhoneMethod) throws(GraphError) {
        if method.type == .mobile && method.smsSignInState == .phoneNumberNotUnique { throw .phoneNumberNotUnique }
    }

    /// The user a request addresses, as resolved and authorised.
    struct Target {
        var user: User
        /// The phones the request asked to read along with the user.
        var phones: [PhoneMethod]
        /// The key `@odata.context` shows: the URL's key as given, or the caller's id for `/me` [choice].
        var contextKey: String
        var visibility: Authorizer.Visibility

        func representation(_ route: PhoneRoute, select: [String]?) -> PhoneMethodRepresentation {
            PhoneMethodRepresentation(version: route.version, visibility: visibility, select: select)
        }
    }

    /// Checks that the caller could do `need` to anyone (before the target is looked up, so a
    /// refused caller learns nothing about which users exist), reads the target and the phones
    /// `phones` selects in one read transaction, then checks `need` on that target.
    private func resolve(_ route: PhoneRoute, _ call: Call, _ need: Need, phones: PhoneStore.PhoneSelection) throws
        -> Target
    {
        if let type = route.phoneType { call.response.facts.phoneMethodID = type.methodID }
        let caller = try call.caller
        try Authorizer.precheck(caller, need)
        let key: String
        switch route.user {
        case .me:
            guard let userID = caller.userID else {
                // Graph's code here is "BadRequest", as for routing errors, not the body errors' "badRequest".
                throw GraphError(
                    status: 400, code: "BadRequest",
                    message: "/me request is only valid with delegated authentication flow.")
            }
            key = userID
        case .user(let given):
            key = given
        }
        guard let (user, found) = try store.user(key: key, phones: phones) else { throw GraphError.userNotFound(key) }
        call.response.facts.targetUserID = user.id
        let visibility = try Authorizer.authorizeOnTarget(caller, need, target: user)
        return Target(user: user, phones: found, contextKey: route.user == .me ? user.id : key, visibility: visibility)
    }
}
