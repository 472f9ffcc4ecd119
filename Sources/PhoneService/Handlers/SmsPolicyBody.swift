import PhoneStore

/// A `PATCH` body for the SMS authentication method configuration. Properties left out keep
/// their values; targets, when sent, replace the list. Unknown properties are refused by name.
struct SmsPolicyBody: Sendable {
    static let odataType = "#microsoft.graph.smsAuthenticationMethodConfiguration"
    static let includeTargetType = "#microsoft.graph.smsAuthenticationMethodTarget"
    static let excludeTargetType = "#microsoft.graph.excludeTarget"

    var state: Bool?
    var includeTargets: [SmsPolicy.Target]?
    var excludeTargets: [SmsPolicy.Target]?

    static func parse(_ request: HTTPRequest) throws(GraphError) -> SmsPolicyBody {
        let members = try JSONBody.members(of: request, describing: "'@odata.type': '\(odataType)'")
        guard case .string(let type)? = members.first(where: { $0.key == "@odata.type" })?.value, type == odataType
        else {
            throw .badRequest("The body must carry '@odata.type': '\(odataType)'.")
        }
        var body = SmsPolicyBody()
        for (name, value) in members {
            switch name {
            case "@odata.type":
                continue
            case "id":
                guard case .string(let id) = value, id.lowercased() == "sms" else {
                    throw .badRequest("Property 'id' is read-only; this configuration's id is 'Sms'.")
                }
            case "state":
                guard case .string(let state) = value, state == "enabled" || state == "disabled" else {
                    throw .badRequest("Property 'state' must be 'enabled' or 'disabled'.")
                }
                body.state = state == "enabled"
            case "includeTargets":
                body.includeTargets = try targets(value, property: name, include: true)
            case "excludeTargets":
                body.excludeTargets = try targets(value, property: name, include: false)
            default:
                throw .badRequest(
                    "Property '\(name)' does not exist on type 'microsoft.graph.smsAuthenticationMethodConfiguration'.")
            }
        }
        return body
    }

    private static func targets(_ value: JSONValue, property: String, include: Bool) throws(GraphError)
        -> [SmsPolicy.Target]
    {
        guard case .array(let items) = value else { throw .badRequest("Property '\(property)' must be an array.") }
        var targets: [SmsPolicy.Target] = []
        for item in items {
            guard case .object(let members) = item else {
                throw .badRequest("Each entry of '\(property)' must be an object with targetType and id.")
            }
            var kind: SmsPolicy.Target.Kind?
            var id: String?
            var target = SmsPolicy.Target(kind: .group, id: "")
            for (name, value) in members {
                switch (name, value) {
                case ("@odata.type", .string(let type)) where type == (include ? includeTargetType : excludeTargetType):
                    continue
                case ("targetType", .string(let text)):
                    guard let parsed = SmsPolicy.Target.Kind(rawValue: text) else {
                        throw .badRequest("'targetType' in '\(property)' must be 'user' or 'group', not '\(text)'.")
                    }
                    kind = parsed
                case ("id", .string(let text)):
                    id = text
                case ("isRegistrationRequired", .bool(let flag)) where include:
                    target.isRegistrationRequired = flag
                case ("isUsableForSignIn", .bool(let flag)) where include:
                    target.isUsableForSignIn = flag
                default:
                    throw .badRequest(
                        "Property '\(name)' of an entry of '\(property)' is unknown or has the wrong type.")
                }
            }
            guard let kind, let id, !id.isEmpty else {
                throw .badRequest("Each entry of '\(property)' needs 'targetType' and 'id'.")
            }
            target.kind = kind
            target.id = id
            targets.append(target)
        }
        return targets
    }
}
