import PhoneStore

/// Writes phone methods as Graph shows them. v1.0 shows four properties; beta adds
/// `createdDateTime` and `lastUsedDateTime` (always null: phone-service never signs anyone in).
struct PhoneMethodRepresentation: Sendable {
    static let odataType = "#microsoft.graph.phoneAuthenticationMethod"

    let version: APIVersion
    let visibility: Authorizer.Visibility
    let select: [String]?
    /// The properties each method shows, in order, worked out once rather than per method.
    private let fields: [Field]

    /// A selectable property (`QueryOptions.selectable`, which `$select` is checked against), by its
    /// JSON name.
    private enum Field: String {
        case id, phoneNumber, phoneType, smsSignInState, createdDateTime, lastUsedDateTime
    }

    private static let v1Fields = QueryOptions.selectable(.v1).compactMap(Field.init(rawValue:))
    private static let betaFields = QueryOptions.selectable(.beta).compactMap(Field.init(rawValue:))

    init(version: APIVersion, visibility: Authorizer.Visibility, select: [String]?) {
        self.version = version
        self.visibility = visibility
        self.select = select
        fields = select?.compactMap(Field.init(rawValue:)) ?? (version == .beta ? Self.betaFields : Self.v1Fields)
    }

    /// `@odata.context` for `users('key')/authentication/{collection}`, with `(select)` when the
    /// request selected properties, and `/$entity` for a single method.
    func context(userKey: String, collection: MethodCollection, entity: Bool) -> String {
        var text = version.metadataBase + "users('\(PercentEncoding.encode(userKey))')/authentication/"
        text += collection.rawValue
        if let select { text += "(" + select.joined(separator: ",") + ")" }
        if entity { text += "/$entity" }
        return text
    }

    /// One method. `odataType`: under `/authentication/methods`, whose declared type is the base
    /// `authenticationMethod`, OData's minimal metadata names the derived type, and Microsoft's SDKs
    /// need it to read the phone's properties.
    func entity(_ method: PhoneMethod, context: String, odataType: Bool = false) -> [UInt8] {
        var writer = JSONWriter()
        write(method, into: &writer, context: context, odataType: odataType)
        return writer.bytes
    }

    func collection(_ methods: [PhoneMethod], context: String, odataType: Bool) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("@odata.context")
        writer.string(context)
        writer.key("value")
        writer.beginArray()
        for method in methods { write(method, into: &writer, context: nil, odataType: odataType) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    private func write(_ method: PhoneMethod, into writer: inout JSONWriter, context: String?, odataType: Bool) {
        writer.beginObject()
        if let context {
            writer.key("@odata.context")
            writer.string(context)
        }
        if odataType {
            writer.key("@odata.type")
            writer.string(Self.odataType)
        }
        for field in fields {
            writer.key(field.rawValue)
            switch field {
            case .id: writer.string(method.id)
            case .phoneNumber: writer.string(visibility == .masked ? Self.mask(method.number) : method.number)
            case .phoneType: writer.string(method.type.rawValue)
            case .smsSignInState: writer.string(method.smsSignInState.rawValue)
            case .createdDateTime: writer.string(method.createdAt)
            case .lastUsedDateTime: writer.null()
            }
        }
        writer.endObject()
    }

    /// Keeps the country code and the subscriber number's last two digits: "+1 XXXXXXXX55"; an
    /// extension's digits are masked too.
    static func mask(_ number: String) -> String {
        guard let space = number.firstIndex(of: " ") else { return number }
        let country = number[..<space]
        let rest = number[number.index(after: space)...]
        let subscriber = rest.prefix(while: { $0 != "x" })
        let ext = rest.dropFirst(subscriber.count)
        let kept = max(0, subscriber.count - 2)
        return country + " " + String(repeating: "X", count: kept) + subscriber.suffix(2)
            + String(ext.map { $0.isNumber ? "X" : $0 })
    }
}
