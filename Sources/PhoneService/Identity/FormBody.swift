/// An `application/x-www-form-urlencoded` body (what the token endpoint takes), decoded once; a
/// name given twice keeps its first value.
struct FormBody: Sendable {
    private(set) var fields: [String: String] = [:]

    init(_ bytes: [UInt8]) throws(EntraError) {
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = Substring(String(decoding: parts[0], as: UTF8.self))
            let rawValue = Substring(parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "")
            guard let name = PercentEncoding.decode(rawName, plusIsSpace: true),
                let value = PercentEncoding.decode(rawValue, plusIsSpace: true)
            else {
                throw EntraError("invalid_request", 900_144, "The request body is not valid form encoding.")
            }
            if fields[name] == nil { fields[name] = value }
        }
    }

    subscript(name: String) -> String? {
        guard let value = fields[name], !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String) throws(EntraError) -> String {
        guard let value = self[name] else { throw .missingParameter(name) }
        return value
    }
}
