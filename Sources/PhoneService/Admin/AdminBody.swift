import Foundation

/// Reading admin API bodies: a JSON object whose members are checked by name and type, with
/// messages that say which member is wrong. Unknown members are refused, as Graph refuses them.
struct AdminBody {
    private var members: [(key: String, value: JSONValue)]

    init(_ request: HTTPRequest, describing expected: String, allowEmpty: Bool = false) throws(GraphError) {
        if request.body.isEmpty && allowEmpty {
            members = []
            return
        }
        members = try JSONBody.members(of: request, describing: expected)
    }

    /// Refuses members other than `known`.
    func only(_ known: Set<String>) throws(GraphError) {
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw .badRequest(
                "Unknown property '\(unknown.key)'; expected \(known.sorted().map { "'\($0)'" }.joined(separator: ", "))."
            )
        }
    }

    func string(_ name: String) throws(GraphError) -> String? {
        switch members.first(where: { $0.key == name })?.value {
        case .none, .null: return nil
        case .string(let value): return value
        case .some: throw .badRequest("The property '\(name)' must be a string.")
        }
    }

    func requiredString(_ name: String) throws(GraphError) -> String {
        guard let value = try string(name) else { throw .badRequest("The property '\(name)' is required.") }
        return value
    }

    func bool(_ name: String) throws(GraphError) -> Bool? {
        switch members.first(where: { $0.key == name })?.value {
        case .none, .null: return nil
        case .bool(let value): return value
        case .some: throw .badRequest("The property '\(name)' must be true or false.")
        }
    }

    func int(_ name: String) throws(GraphError) -> Int? {
        switch members.first(where: { $0.key == name })?.value {
        case .none, .null: return nil
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: return Int(value)
        case .some: throw .badRequest("The property '\(name)' must be a whole number.")
        }
    }

    func strings(_ name: String) throws(GraphError) -> [String]? {
        switch members.first(where: { $0.key == name })?.value {
        case .none, .null: return nil
        case .array(let values):
            var strings: [String] = []
            for value in values {
                guard case .string(let text) = value else {
                    throw .badRequest("The property '\(name)' must be an array of strings.")
                }
                strings.append(text)
            }
            return strings
        case .some: throw .badRequest("The property '\(name)' must be an array of strings.")
        }
    }
}
