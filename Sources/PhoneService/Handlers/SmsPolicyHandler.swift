import PhoneStore

/// `GET` and `PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms`.
struct SmsPolicyHandler: Sendable {
    let store: PhoneStore

    func handle(_ version: APIVersion, _ request: HTTPRequest, principal: Principal, response: ResponseWriter)
        throws(GraphError) -> HandlerOutcome
    {
        switch request.method {
        case "GET":
            try Authorizer.authorizePolicy(principal, write: false)
            let policy = try storeCall { try store.smsPolicy() }
            return .response(response.json(status: 200, body: Self.representation(policy, version: version)))
        case "PATCH":
            try Authorizer.authorizePolicy(principal, write: true)
            let body = try SmsPolicyBody.parse(request)
            var policy = try storeCall { try store.smsPolicy() }
            if let state = body.state { policy.enabled = state }
            if let include = body.includeTargets { policy.includeTargets = include }
            if let exclude = body.excludeTargets { policy.excludeTargets = exclude }
            try validate(policy.includeTargets + policy.excludeTargets)
            let changed = policy
            // Through the writer's queue, so the journal row commits with the change.
            return .write(store, { db in try PhoneStore.setSmsPolicy(changed, in: db) }) { _ in response.noContent() }
        default:
            throw .methodNotAllowed(allow: ["GET", "PATCH"])
        }
    }

    /// Names the first target that is not in the directory (the database refuses it too).
    private func validate(_ targets: [SmsPolicy.Target]) throws(GraphError) {
        for target in targets {
            switch target.kind {
            case .group where target.id == SmsPolicy.Target.allUsersID:
                continue
            case .group:
                guard try storeCall({ try store.group(key: target.id) })?.id == target.id.lowercased() else {
                    throw .badRequest("The policy target group '\(target.id)' does not exist in this tenant.")
                }
            case .user:
                guard try storeCall({ try store.user(key: target.id) })?.id == target.id.lowercased() else {
                    throw .badRequest("The policy target user '\(target.id)' does not exist in this tenant.")
                }
            }
        }
    }

    static func representation(_ policy: SmsPolicy, version: APIVersion) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("@odata.context")
        writer.string(
            version.metadataBase + "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity")
        writer.key("@odata.type")
        writer.string(SmsPolicyBody.odataType)
        writer.key("id")
        writer.string("Sms")
        writer.key("state")
        writer.string(policy.enabled ? "enabled" : "disabled")
        writer.key("excludeTargets")
        writer.beginArray()
        for target in policy.excludeTargets {
            writer.beginObject()
            writer.key("targetType")
            writer.string(target.kind.rawValue)
            writer.key("id")
            writer.string(target.id)
            writer.endObject()
        }
        writer.endArray()
        writer.key("includeTargets")
        writer.beginArray()
        for target in policy.includeTargets {
            writer.beginObject()
            writer.key("targetType")
            writer.string(target.kind.rawValue)
            writer.key("id")
            writer.string(target.id)
            writer.key("isRegistrationRequired")
            writer.bool(target.isRegistrationRequired)
            writer.key("isUsableForSignIn")
            writer.bool(target.isUsableForSignIn)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
