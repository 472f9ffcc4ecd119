import PhoneStore

/// The OData query options phone-service supports: `$select` on the four properties (and beta's
/// two dates) and `$filter=phoneType eq '<type>'` on lists. Options Graph has but phone methods do
/// not support are refused by name; other `$` options are unknown.
struct QueryOptions: Sendable, Equatable {
    var select: [String]?
    var phoneType: PhoneType?

    static let refused: Set<String> = ["$expand", "$search", "$orderby", "$skip", "$count", "$top", "$skiptoken"]

    static func selectable(_ version: APIVersion) -> [String] {
        let base = ["id", "phoneNumber", "phoneType", "smsSignInState"]
        return version == .beta ? base + ["createdDateTime", "lastUsedDateTime"] : base
    }

    static func parse(_ query: [(name: String, value: String)], version: APIVersion, isList: Bool) throws(GraphError)
        -> QueryOptions
    {
        var options = QueryOptions()
        for (rawName, value) in query {
            let name = rawName.lowercased()
            // Graph accepts the options without the '$' too.
            let option = name.hasPrefix("$") ? name : "$" + name
            switch option {
            case "$select":
                var fields: [String] = []
                for field in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let known = selectable(version).first(where: { $0.lowercased() == field.lowercased() }) else {
                        throw .badRequest(
                            "Could not find a property named '\(field)' on type 'microsoft.graph.phoneAuthenticationMethod'."
                        )
                    }
                    if !fields.contains(known) { fields.append(known) }
                }
                guard !fields.isEmpty else { throw .badRequest("The query option '$select' is empty.") }
                options.select = fields
            case "$filter":
                guard isList else { throw .badRequest("The query option '$filter' applies only to a collection.") }
                options.phoneType = try phoneTypeFilter(value)
            case _ where refused.contains(option):
                throw .badRequest("The query option '\(rawName)' is not supported for phone methods.")
            case _ where name.hasPrefix("$"):
                throw .badRequest("The query parameter '\(rawName)' is not supported.")
            default:
                continue  // Graph ignores plain query parameters that are not OData options.
            }
        }
        return options
    }

    /// Only `phoneType eq 'mobile'` (any case for `eq`, single quotes) is supported.
    private static func phoneTypeFilter(_ expression: String) throws(GraphError) -> PhoneType {
        let parts = expression.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "phoneType", parts[1].lowercased() == "eq",
            parts[2].count >= 2, parts[2].first == "'", parts[2].last == "'"
        else {
            throw .badRequest("Invalid $filter '\(expression)': only \"phoneType eq '<type>'\" is supported.")
        }
        let name = String(parts[2].dropFirst().dropLast())
        guard let type = PhoneType(rawValue: name) else {
            throw .badRequest("Invalid $filter: '\(name)' is not a phoneType; use mobile, alternateMobile or office.")
        }
        return type
    }
}
