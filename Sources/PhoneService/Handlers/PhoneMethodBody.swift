import PhoneStore

/// A create or update body: a JSON object with `phoneNumber` and `phoneType`, plus the
/// `@odata.type` Microsoft's SDKs always add. Everything else is refused by name.
struct PhoneMethodBody: Sendable, Equatable {
    /// The `@odata.type` a body may name: the one the service writes.
    static let odataType = PhoneMethodRepresentation.odataType

    var phoneNumber: String?
    var phoneType: PhoneType?

    static func parse(_ request: HTTPRequest, version: APIVersion) throws(GraphError) -> PhoneMethodBody {
        let members = try JSONBody.members(of: request, describing: "phoneNumber and phoneType")
        var body = PhoneMethodBody()
        for (name, value) in members {
            switch name {
            case "@odata.type":
                guard case .string(let type) = value, type == odataType else {
                    throw .badRequest("'@odata.type' must be '\(odataType)'.")
                }
            case "phoneNumber":
                guard case .string(let number) = value else {
                    throw .badRequest("Property 'phoneNumber' must be a string.")
                }
                guard PhoneNumber.isValid(number) else { throw invalidNumber(number) }
                body.phoneNumber = number
            case "phoneType":
                guard case .string(let typeName) = value else {
                    throw .badRequest("Property 'phoneType' must be a string.")
                }
                guard let type = PhoneType(rawValue: typeName) else {
                    throw .badRequest(
                        "Property 'phoneType' has the invalid value '\(typeName)'; use mobile, alternateMobile or office."
                    )
                }
                body.phoneType = type
            case "id", "smsSignInState":
                throw .badRequest("Property '\(name)' is read-only and cannot be set.")
            case "createdDateTime" where version == .beta, "lastUsedDateTime" where version == .beta:
                throw .badRequest("Property '\(name)' is read-only and cannot be set.")
            default:
                throw .badRequest(
                    "Property '\(name)' does not exist on type 'microsoft.graph.phoneAuthenticationMethod'.")
            }
        }
        return body
    }

    static func invalidNumber(_ number: String) -> GraphError {
        let e164 = number.hasPrefix("+") && number.dropFirst().allSatisfy(\.isASCII) && !number.contains(" ")
        let hint = e164 ? " Separate the country code from the number with a space." : ""
        let shown = number.count > 40 ? String(number.prefix(40)) + "…" : number
        return .badRequest("Invalid phone number '\(shown)'.\(hint) Expected \(PhoneNumber.expectedForm).")
    }
}
