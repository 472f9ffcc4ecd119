import Foundation

/// The members of a request's JSON object body, after the checks every write shares: a body is
/// present, its media type is JSON (parameters allowed), it parses strictly, and it is an object.
enum JSONBody {
    static func members(of request: HTTPRequest, describing expected: String) throws(GraphError)
        -> [(key: String, value: JSONValue)]
    {
        guard !request.body.isEmpty else {
            throw .badRequest("The request body is empty; send a JSON object with \(expected).")
        }
        let contentType = request.header("content-type")
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else { throw .unsupportedMediaType(contentType) }
        let document: JSONValue
        do {
            document = try JSONParser.parse(request.body)
        } catch {
            throw .badRequest(error.message)
        }
        guard case .object(let members) = document else {
            throw .badRequest("The request body must be a JSON object.")
        }
        return members
    }
}
