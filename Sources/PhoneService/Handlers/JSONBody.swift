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
        guard let contentType, isJSON(contentType) else { throw .unsupportedMediaType(contentType) }
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

    /// Whether a Content-Type names JSON: its media type (before any ';', without the spaces and
    /// tabs around it, RFC 9110's OWS) is `application/json` in any case. Byte by byte: Foundation's
    /// `trimmingCharacters(in:)` goes through UTF-16, a large cost on every request.
    static func isJSON(_ contentType: String) -> Bool {
        let bytes = contentType.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        var mediaType = bytes[bytes.startIndex..<end]
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let first = mediaType.first, isSpace(first) { mediaType = mediaType.dropFirst() }
        while let last = mediaType.last, isSpace(last) { mediaType = mediaType.dropLast() }
        return Substring(mediaType).equalsIgnoringASCIICase("application/json")
    }
}
