/// The body of a batch's `200`: `{"responses": [{"id", "status", "headers", "body"}, ...]}` in the
/// order of the requests [choice]. A JSON body is embedded as JSON, not as a string; an empty body
/// (a `204`) leaves `body` out; any other body would be embedded as a string.
enum BatchResponseBody {
    static func encode(_ requests: [BatchRequest], _ answers: [HTTPResponse]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.beginObject()
        writer.key("responses")
        writer.beginArray()
        for (request, answer) in zip(requests, answers) {
            writer.beginObject()
            writer.key("id")
            writer.string(request.id)
            writer.key("status")
            writer.number(answer.status)
            writer.key("headers")
            writer.beginObject()
            var seen: [String] = []
            for header in answer.headers where !seen.contains(header.name) {
                seen.append(header.name)
                let values = answer.headers.filter { $0.name == header.name }.map(\.value)
                writer.key(header.name)
                writer.string(values.joined(separator: ", "))
            }
            writer.endObject()
            if !answer.body.isEmpty {
                writer.key("body")
                if let json = try? JSONParser.parse(answer.body) {
                    writer.value(json)
                } else {
                    writer.string(String(decoding: answer.body, as: UTF8.self))
                }
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
