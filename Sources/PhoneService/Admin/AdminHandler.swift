import Dispatch
import PhoneStore

/// The admin API under `/_admin/`: set up, inspect and reset the test tenant over HTTP, without
/// restarts. The pipeline checks the tenant's admin key first (never a Graph token); answers are
/// plain JSON (not OData), failures Graph's error envelope. Writes go through the store's writer
/// like Graph's, so no pool thread waits for a commit.
struct AdminHandler: Sendable {
    let store: PhoneStore
    let administration: TenantAdministration
    let snapshots: SnapshotDirectory
    let controls: TestControls
    /// The tenant CA's certificate in PEM; nil when HTTPS presents the operator's certificate.
    let certificateAuthorityPEM: String?
    let deviceCodes: DeviceCodes

    init(
        store: PhoneStore, snapshots: SnapshotDirectory, controls: TestControls, certificateAuthorityPEM: String? = nil,
        deviceCodes: DeviceCodes = DeviceCodes()
    ) {
        self.store = store
        self.administration = TenantAdministration(store: store)
        self.snapshots = snapshots
        self.controls = controls
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.deviceCodes = deviceCodes
    }

    func register(in table: inout RouteTable<Endpoint>) {
        var add = RouteGroup(prefix: "/\(RouteFamily.adminPrefix)")
        add("GET", "/users", listUsers)
        add("POST", "/users", addUser)
        add("GET", "/users/{user}", getUser)
        add("DELETE", "/users/{user}", removeUser)
        add("DELETE", "/users/{user}/phoneMethods", removePhoneMethods)
        add("GET", "/groups", listGroups)
        add("POST", "/groups", addGroup)
        add("DELETE", "/groups/{group}", removeGroup)
        add("POST", "/groups/{group}/members", addGroupMember)
        add("DELETE", "/groups/{group}/members/{user}", removeGroupMember)
        add("GET", "/applications", listApplications)
        add("POST", "/applications", addApplication)
        add("GET", "/applications/{app}", getApplication)
        add("DELETE", "/applications/{app}", removeApplication)
        add("POST", "/applications/{app}/secrets", addSecret)
        add("POST", "/applications/{app}/certificates", addCertificate)
        add("POST", "/keys/rotate", rotateKeys)
        add("POST", "/devicecodes/{code}/approve", approveDeviceCode)
        add("POST", "/tokens", mintToken)
        add("GET", "/policies/sms", getSmsPolicy)
        add("PATCH", "/policies/sms", changeSmsPolicy)
        add("POST", "/reset", reset)
        add("GET", "/journal", journal)
        add("GET", "/snapshots", listSnapshots)
        add("POST", "/snapshots", takeSnapshot)
        add("DELETE", "/snapshots/{name}", deleteSnapshot)
        add("POST", "/snapshots/{name}/restore", restoreSnapshot)
        add("GET", "/faults", listFaults)
        add("POST", "/faults", addFault)
        add("DELETE", "/faults", removeFaults)
        add("DELETE", "/faults/{id}", removeFault)
        add("GET", "/throttling", getThrottling)
        add("PUT", "/throttling", setThrottling)
        add("GET", "/tls/ca-cert", caCertificate)
        table.add(add)
    }

    // MARK: Users and groups

    func listUsers(_ call: Call) throws -> HandlerOutcome {
        .response(call.response.json(status: 200, value: Self.list(try store.users().map(Self.value))))
    }

    /// `{"userPrincipalName", "displayName"?, "id"?, "roles"?, "password"?}`; the password is
    /// stored as a PBKDF2 hash, made off the pool thread (it is slow on purpose).
    func addUser(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'userPrincipalName'")
        try body.only(["userPrincipalName", "displayName", "id", "roles", "password"])
        let (upn, id, name) = (
            try body.requiredString("userPrincipalName"), try body.string("id"), try body.string("displayName")
        )
        let roles = try body.strings("roles") ?? []
        let write = try administration.addUser(userPrincipalName: upn, id: id, displayName: name, roles: roles)
        let response = call.response
        guard let password = try body.string("password") else {
            return .write(store, write, status: 201) { user in response.json(status: 201, value: Self.value(user)) }
        }
        let (store, administration) = (store, administration)
        return .deferred { finish in
            DispatchQueue.global().async {
                let withPassword: PendingWrite<User>
                do {
                    withPassword = try administration.addUser(
                        userPrincipalName: upn, id: id, displayName: name, roles: roles,
                        password: try TenantAdministration.passwordHash(password))
                } catch {
                    return finish(.failure(GraphError(error)))
                }
                store.submit(withPassword) { result in
                    finish(result.mapError(GraphError.init).map { response.json(status: 201, value: Self.value($0)) })
                }
            }
        }
    }

    func getUser(_ call: Call) throws -> HandlerOutcome {
        .response(call.response.json(status: 200, value: Self.value(try administration.user(call.parameter("user")))))
    }

    func removeUser(_ call: Call) -> HandlerOutcome {
        noContent(call, .removeUser(key: call.parameter("user")))
    }

    func removePhoneMethods(_ call: Call) -> HandlerOutcome {
        noContent(call, .removePhoneMethods(userKey: call.parameter("user")))
    }

    func listGroups(_ call: Call) throws -> HandlerOutcome {
        .response(call.response.json(status: 200, value: Self.list(try store.groups().map(Self.value))))
    }

    func addGroup(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'displayName'")
        try body.only(["displayName", "id"])
        let write = try administration.addGroup(
            displayName: try body.requiredString("displayName"), id: try body.string("id"))
        let response = call.response
        return .write(store, write, status: 201) { group in response.json(status: 201, value: Self.value(group)) }
    }

    func removeGroup(_ call: Call) -> HandlerOutcome {
        noContent(call, .removeGroup(key: call.parameter("group")))
    }

    func addGroupMember(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'user'")
        try body.only(["user"])
        return noContent(call, .addGroupMember(group: call.parameter("group"), user: try body.requiredString("user")))
    }

    func removeGroupMember(_ call: Call) -> HandlerOutcome {
        noContent(call, .removeGroupMember(group: call.parameter("group"), user: call.parameter("user")))
    }

    // MARK: Tokens and the SMS policy

    /// `{"user": "...", "scopes": [...]}` or `{"app": true, "roles": [...]}`, and optionally
    /// `"defect"`: a deliberately broken token (`TokenDefect`).
    func mintToken(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'user' and 'scopes', or 'app' and 'roles'")
        try body.only(["user", "scopes", "app", "roles", "appId", "lifetimeSeconds", "defect"])
        var defect: TokenDefect?
        if let name = try body.string("defect") {
            guard let known = TokenDefect(rawValue: name) else {
                let names = TokenDefect.allCases.map(\.rawValue).joined(separator: ", ")
                throw GraphError.badRequest("The property 'defect' must be one of: \(names).")
            }
            defect = known
        }
        let request = TenantAdministration.TokenRequest(
            user: try body.string("user"), scopes: try body.strings("scopes"), app: try body.bool("app") ?? false,
            roles: try body.strings("roles"), appID: try body.string("appId"),
            lifetimeSeconds: try body.int("lifetimeSeconds") ?? 3600, defect: defect)
        let (administration, response) = (administration, call.response)
        return .offPool {
            let token = try administration.token(request)
            let value: JSONValue = .object([
                ("tokenType", .string("Bearer")), ("accessToken", .string(token)),
                ("expiresIn", .number(Double(request.lifetimeSeconds))),
            ])
            return response.json(status: 200, value: value)
        }
    }

    func getSmsPolicy(_ call: Call) throws -> HandlerOutcome {
        .response(call.response.json(status: 200, value: SmsPolicyHandler.value(try store.smsPolicy(), version: .v1)))
    }

    func changeSmsPolicy(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'state', 'include' or 'exclude'")
        try body.only(["state", "include", "exclude"])
        let state = try body.string("state")
        guard state == nil || state == "enabled" || state == "disabled" else {
            throw GraphError.badRequest("The property 'state' must be 'enabled' or 'disabled'.")
        }
        let policy = try administration.changedSmsPolicy(
            .init(
                enabled: state.map { $0 == "enabled" }, include: try body.strings("include"),
                exclude: try body.strings("exclude")))
        let response = call.response
        return .write(store, .setSmsPolicy(policy), status: 200) { _ in
            response.json(status: 200, value: SmsPolicyHandler.value(policy, version: .v1))
        }
    }

    // MARK: Reset, journal, snapshots

    /// Optionally `{"keep": ["users", "groups", "signingKey", "journal", "applications"]}`.
    func reset(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'keep'", allowEmpty: true)
        try body.only(["keep"])
        let keep = Set(try body.strings("keep") ?? [])
        let known: Set<String> = ["users", "groups", "signingKey", "journal", "applications"]
        if let unknown = keep.subtracting(known).sorted().first {
            throw GraphError.badRequest(
                "Cannot keep '\(unknown)'; 'keep' takes 'users', 'groups', 'signingKey', 'journal' and 'applications'.")
        }
        let scope = ResetScope(
            keepUsers: keep.contains("users"), keepGroups: keep.contains("groups"),
            keepSigningKey: keep.contains("signingKey"), keepJournal: keep.contains("journal"),
            keepApplications: keep.contains("applications"))
        let (controls, deviceCodes, response) = (controls, deviceCodes, call.response)
        return .write(store, .reset(scope, of: store), status: 204) { _ in
            controls.reset()
            deviceCodes.removeAll()
            return response.noContent()
        }
    }

    /// Flushes the buffered rows first, so the page shows every request answered so far.
    func journal(_ call: Call) throws -> HandlerOutcome {
        let query = try JournalQuery(call.request.query)
        let (store, response) = (store, call.response)
        return .deferred { finish in
            store.submit(.flushJournal(of: store)) { _ in
                // Read off the thread that delivers the writer's results.
                DispatchQueue.global().async {
                    finish(
                        Result { try query.page(store) }.map { response.json(status: 200, value: $0) }.mapError(
                            GraphError.init))
                }
            }
        }
    }

    func listSnapshots(_ call: Call) throws -> HandlerOutcome {
        let list = try snapshots.list().map { snapshot -> JSONValue in
            .object([
                ("name", .string(snapshot.name)), ("createdDateTime", .string(snapshot.created)),
                ("size", .number(Double(snapshot.size))),
            ])
        }
        return .response(call.response.json(status: 200, value: Self.list(list)))
    }

    func takeSnapshot(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'name'")
        try body.only(["name"])
        let name = try body.requiredString("name")
        let (snapshots, store, response) = (snapshots, store, call.response)
        return .offPool {
            // The signing key exists before the snapshot (in it when the tenant's own), so that
            // tokens minted after it survive its restore.
            _ = try KeyRing.shared.currentKey(of: store)
            try snapshots.save(name, from: store)
            return response.json(status: 201, value: .object([("name", .string(name))]))
        }
    }

    func restoreSnapshot(_ call: Call) throws -> HandlerOutcome {
        let path = try snapshots.path(of: call.parameter("name"), mustExist: true)
        let response = call.response
        return .write(store, .restoreLive(from: path, into: store), status: 204) { _ in response.noContent() }
    }

    func deleteSnapshot(_ call: Call) throws -> HandlerOutcome {
        try snapshots.delete(call.parameter("name"))
        return .response(call.response.noContent())
    }

    // MARK: Faults and throttling

    func listFaults(_ call: Call) -> HandlerOutcome {
        .response(call.response.json(status: 200, value: Self.list(controls.faults.list().map(FaultRuleBody.value))))
    }

    func addFault(_ call: Call) throws -> HandlerOutcome {
        let rule = try FaultRuleBody.parse(call.request, store: store, now: controls.faults.now())
        controls.faults.add(rule)
        return .response(call.response.json(status: 201, value: FaultRuleBody.value(rule)))
    }

    func removeFaults(_ call: Call) -> HandlerOutcome {
        controls.faults.removeAll()
        return .response(call.response.noContent())
    }

    func removeFault(_ call: Call) throws -> HandlerOutcome {
        let id = call.parameter("id")
        guard controls.faults.remove(id: id) else {
            throw GraphError.itemNotFound("There is no fault rule '\(id)'.")
        }
        return .response(call.response.noContent())
    }

    func getThrottling(_ call: Call) -> HandlerOutcome {
        .response(call.response.json(status: 200, value: ThrottleBody.value(controls.throttle.settings)))
    }

    func setThrottling(_ call: Call) throws -> HandlerOutcome {
        let settings = try ThrottleBody.parse(call.request)
        controls.throttle.configure(settings)
        return .response(call.response.json(status: 200, value: ThrottleBody.value(settings)))
    }

    // MARK: TLS

    /// The tenant CA's certificate, PEM, for clients to trust (`phone-service tls ca-cert` prints it too).
    func caCertificate(_ call: Call) throws -> HandlerOutcome {
        guard let certificateAuthorityPEM else {
            throw GraphError.itemNotFound(
                "This service presents the operator's own certificate (--tls-cert); trust that certificate's CA.")
        }
        return .response(
            call.response.json(
                status: 200, body: Array(certificateAuthorityPEM.utf8), contentType: "application/x-pem-file"))
    }

    // MARK: Bodies

    private func noContent<Value>(_ call: Call, _ write: PendingWrite<Value>) -> HandlerOutcome {
        let response = call.response
        return .write(store, write, status: 204) { _ in response.noContent() }
    }

    /// `{"value": [...]}`.
    static func list(_ items: [JSONValue]) -> JSONValue { .object([("value", .array(items))]) }

    static func value(_ user: User) -> JSONValue {
        .object([
            ("id", .string(user.id)), ("userPrincipalName", .string(user.userPrincipalName)),
            ("displayName", .string(user.displayName)),
            ("roles", .array(user.roleTemplateIDs.map { .string(DirectoryRole(rawValue: $0)?.name ?? $0) })),
        ])
    }

    static func value(_ group: Group) -> JSONValue {
        .object([
            ("id", .string(group.id)), ("displayName", .string(group.displayName)),
            ("memberIds", .array(group.memberIDs.map(JSONValue.string))),
        ])
    }
}
