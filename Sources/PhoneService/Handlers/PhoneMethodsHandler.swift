import PhoneStore

/// The phone methods endpoints: list, get, create, update, delete, and `/authentication/methods`,
/// for `/users/{id | userPrincipalName}` and `/me`, on both versions.
struct PhoneMethodsHandler: Sendable {
    let store: PhoneStore

    /// What a method and route ask for.
    enum Operation {
        case list, get, create, update, delete, enableSmsSignIn, disableSmsSignIn
    }

    func handle(_ route: PhoneRoute, _ request: HTTPRequest, principal: Principal, response: ResponseWriter)
        throws(GraphError) -> HandlerOutcome
    {
        // The phone type behind the route's method id; nil without one or for an unknown one.
        let namedType = route.methodID.flatMap { PhoneType(methodID: $0) }
        if let namedType { response.facts.phoneMethodID = namedType.methodID }
        let operation = try Self.operation(route, method: request.method)
        let options = try QueryOptions.parse(request.query, version: route.version, isList: operation == .list)
        let need: Need =
            switch operation {
            case .list, .get: .read
            case .delete, .enableSmsSignIn, .disableSmsSignIn: .write
            case .create, .update: .createOrUpdate
            }
        try Authorizer.precheck(principal, need)
        // Reads fetch the user and their phones in one read transaction, only the phone a GET names
        // (an unknown method id reads none, and is refused below, after the user and the permission).
        let selection: PhoneStore.PhoneSelection =
            switch operation {
            case .list: options.phoneType.map { .only($0) } ?? .all
            case .get: namedType.map { .only($0) } ?? .none
            default: .none
            }
        let (target, phones, contextKey) = try resolve(route.user, principal: principal, phones: selection)
        response.facts.targetUserID = target.id
        let visibility = try Authorizer.authorize(principal, need, target: target)
        let representation = PhoneMethodRepresentation(
            version: route.version, visibility: visibility, select: options.select)

        switch operation {
        case .list:
            // `$filter=phoneType eq '…'` was applied by the selection.
            let context = representation.context(userKey: contextKey, collection: route.collection, entity: false)
            return .response(
                response.json(
                    status: 200,
                    body: representation.collection(
                        phones, context: context, odataType: route.collection == .methods)))
        case .get:
            // The selection read only the named phone; an unknown method id read none.
            _ = try Self.phoneType(route)
            guard let method = phones.first else {
                throw .methodNotFound(route.methodID ?? "")
            }
            let context = representation.context(userKey: contextKey, collection: route.collection, entity: true)
            return .response(
                response.json(
                    status: 200,
                    body: representation.entity(method, context: context, odataType: route.collection == .methods)))
        case .create:
            let body = try PhoneMethodBody.parse(request, version: route.version)
            guard let number = body.phoneNumber else { throw .badRequest("Property 'phoneNumber' is required.") }
            guard let type = body.phoneType else { throw .badRequest("Property 'phoneType' is required.") }
            let context = representation.context(userKey: contextKey, collection: route.collection, entity: true)
            let userID = target.id
            return .write(
                store, { db in try PhoneStore.createPhoneMethod(userID: userID, type: type, number: number, in: db) }
            ) {
                method throws(GraphError) in
                response.facts.phoneMethodID = method.type.methodID
                try Self.refuseCollision(method)
                return response.json(status: 201, body: representation.entity(method, context: context))
            }
        case .update:
            let type = try Self.phoneType(route)
            let body = try PhoneMethodBody.parse(request, version: route.version)
            if let sent = body.phoneType, sent != type {
                throw .badRequest("Property 'phoneType' cannot be changed: this method is '\(type.rawValue)'.")
            }
            guard let number = body.phoneNumber else { throw .badRequest("Property 'phoneNumber' is required.") }
            let userID = target.id
            return .write(
                store, { db in try PhoneStore.updatePhoneMethod(userID: userID, type: type, number: number, in: db) }
            ) {
                method throws(GraphError) in
                try Self.refuseCollision(method)
                return response.noContent()
            }
        case .delete:
            let type = try Self.phoneType(route)
            let userID = target.id
            return .write(store, { db in try PhoneStore.deletePhoneMethod(userID: userID, type: type, in: db) }) { _ in
                response.noContent()
            }
        case .enableSmsSignIn:
            let type = try Self.phoneType(route)
            let userID = target.id
            return .write(store, { db in try PhoneStore.enableSmsSignIn(userID: userID, type: type, in: db) }) { _ in
                response.noContent()
            }
        case .disableSmsSignIn:
            let type = try Self.phoneType(route)
            let userID = target.id
            return .write(store, { db in try PhoneStore.disableSmsSignIn(userID: userID, type: type, in: db) }) { _ in
                response.noContent()
            }
        }
    }

    /// A mobile saved for a user the SMS policy allows, whose number another user holds for SMS
    /// sign-in, is kept, but the request answers 409 `phoneNumberNotUnique`, as the real service does.
    static func refuseCollision(_ method: PhoneMethod) throws(GraphError) {
        if method.type == .mobile && method.smsSignInState == .phoneNumberNotUnique { throw .phoneNumberNotUnique }
    }

    /// The operation for a route and HTTP method, or 405 with the methods the route allows.
    static func operation(_ route: PhoneRoute, method: String) throws(GraphError) -> Operation {
        if let action = route.action {
            guard method == "POST" else { throw .methodNotAllowed(allow: ["POST"]) }
            return action == .enableSmsSignIn ? .enableSmsSignIn : .disableSmsSignIn
        }
        if route.methodID == nil {
            let allow = route.collection == .phoneMethods ? ["GET", "POST"] : ["GET"]
            switch method {
            case "GET": return .list
            case "POST" where route.collection == .phoneMethods: return .create
            default: throw .methodNotAllowed(allow: allow)
            }
        }
        var allow = route.collection == .phoneMethods ? ["GET", "PATCH", "DELETE"] : ["GET"]
        if route.collection == .phoneMethods && route.version == .beta { allow.append("PUT") }
        switch method {
        case "GET": return .get
        case "PATCH" where route.collection == .phoneMethods: return .update
        // Older automation uses PUT; beta treats it as PATCH [choice].
        case "PUT" where route.collection == .phoneMethods && route.version == .beta: return .update
        case "DELETE" where route.collection == .phoneMethods: return .delete
        default: throw .methodNotAllowed(allow: allow)
        }
    }

    /// The phone type behind the route's method id: ids are fixed per type.
    static func phoneType(_ route: PhoneRoute) throws(GraphError) -> PhoneType {
        guard let id = route.methodID, let type = PhoneType(methodID: id) else {
            // Microsoft's SDKs offer `phone_methods.count` (`…/phoneMethods/$count`): refused by
            // name like the `$count` query option [choice], not reported as a missing method.
            if route.methodID?.equalsIgnoringASCIICase("$count") == true {
                throw .badRequest("The query option '$count' is not supported for phone methods.")
            }
            throw .methodNotFound(route.methodID ?? "")
        }
        return type
    }

    /// The target user, and the key `@odata.context` shows for it: the URL's key as given, or the
    /// caller's object id for `/me` [choice].
    /// Also the phone methods `phones` selects, read in the same transaction.
    func resolve(_ reference: UserReference, principal: Principal, phones: PhoneStore.PhoneSelection)
        throws(GraphError)
        -> (User, [PhoneMethod], String)
    {
        let key: String
        switch reference {
        case .me:
            guard let userID = principal.userID else {
                // Graph's code here is "BadRequest", as for routing errors, not the body errors' "badRequest".
                throw GraphError(
                    status: 400, code: "BadRequest",
                    message: "/me request is only valid with delegated authentication flow.")
            }
            key = userID
        case .user(let given):
            key = given
        }
        let found = try storeCall { try store.user(key: key, phones: phones) }
        guard let (user, phones) = found else { throw .userNotFound(key) }
        return (user, phones, reference == .me ? user.id : key)
    }
}

/// Runs a store call and converts what it throws into Graph's errors, in one place.
@discardableResult
func storeCall<T>(_ body: () throws -> T) throws(GraphError) -> T {
    do {
        return try body()
    } catch let error as StoreError {
        throw GraphError(error)
    } catch let error as GraphError {
        throw error
    } catch {
        throw .generalException
    }
}
