import PhoneStore

/// `GET` and `PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms`.
struct SmsPolicyHandler: Sendable {
    let store: PhoneStore

    static func path(_ version: APIVersion) -> String {
        "/\(version.rawValue)/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms"
    }

    func register(in table: inout RouteTable<Endpoint>, version: APIVersion) {
        table.add("GET", Self.path(version), Endpoint { try get(version, $0) })
        table.add("PATCH", Self.path(version), Endpoint { try patch(version, $0) })
    }

    func get(_ version: APIVersion, _ call: Call) throws -> HandlerOutcome {
        try Authorizer.authorizePolicy(try call.caller, write: false)
        let policy = try store.smsPolicy()
        return .response(call.response.json(status: 200, body: Self.representation(policy, version: version)))
    }

    func patch(_ version: APIVersion, _ call: Call) throws -> HandlerOutcome {
        try Authorizer.authorizePolicy(try call.caller, write: true)
        let body = try SmsPolicyBody.parse(call.request)
        var policy = try store.smsPolicy()
        if let state = body.state { policy.enabled = state }
        if let include = body.includeTargets { policy.includeTargets = include }
        if let exclude = body.excludeTargets { policy.excludeTargets = exclude }
        try validate(policy.includeTargets + policy.excludeTargets)
        let response = call.response
        return .write(store, .setSmsPolicy(policy), status: 204) { _ in response.noContent() }
    }

    /// Names the first target that is not in the directory (the database refuses it too).
    private func validate(_ targets: [SmsPolicy.Target]) throws {
        for target in targets {
            switch target.kind {
            case .group where target.id == SmsPolicy.Target.allUsersID:
                continue
            case .group:
                guard try store.group(key: target.id)?.id == target.id.lowercased() else {
                    throw GraphError.badRequest("The policy target group '\(target.id)' does not exist in this tenant.")
                }
            case .user:
                guard try store.user(key: target.id)?.id == target.id.lowercased() else {
                    throw GraphError.badRequest("The policy target user '\(target.id)' does not exist in this tenant.")
                }
            }
        }
    }

    static func representation(_ policy: SmsPolicy, version: APIVersion) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value(policy, version: version))
        return writer.bytes
    }

    /// The policy as Graph shows it; the admin API shows the same.
    static func value(_ policy: SmsPolicy, version: APIVersion) -> JSONValue {
        .object([
            (
                "@odata.context",
                .string(
                    version.metadataBase
                        + "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity")
            ),
            ("@odata.type", .string(SmsPolicyBody.odataType)),
            ("id", .string("Sms")),
            ("state", .string(policy.enabled ? "enabled" : "disabled")),
            (
                "excludeTargets",
                .array(
                    policy.excludeTargets.map { target in
                        .object([("targetType", .string(target.kind.rawValue)), ("id", .string(target.id))])
                    })
            ),
            (
                "includeTargets",
                .array(
                    policy.includeTargets.map { target in
                        .object([
                            ("targetType", .string(target.kind.rawValue)), ("id", .string(target.id)),
                            ("isRegistrationRequired", .bool(target.isRegistrationRequired)),
                            ("isUsableForSignIn", .bool(target.isUsableForSignIn)),
                        ])
                    })
            ),
        ])
    }
}
