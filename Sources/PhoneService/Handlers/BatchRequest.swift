/// One request of a JSON batch, as its body described it and checked: `id`, `method`, `url`,
/// `headers`, `body`, and the positions of the requests it depends on.
struct BatchRequest: Sendable {
    var id: String
    var method: String
    var url: String
    /// Header names as sent; values are strings.
    var headers: [(name: String, value: String)]
    var body: JSONValue?
    /// Positions (in the batch's `requests` array) of the requests this one waits for.
    var dependsOn: [Int]

    /// Parses the batch body's members into its requests, in array order. Throws the batch's
    /// own `400` for anything Graph would refuse the whole batch for. Unknown properties are
    /// ignored, here and in each request [choice]: msgraph-core 1.5.2 sends `depends_on`.
    static func parseBatch(_ members: [(key: String, value: JSONValue)]) throws(GraphError) -> [BatchRequest] {
        guard let requestsValue = members.first(where: { $0.key == "requests" })?.value else {
            throw .invalidBatch("The batch body has no 'requests' array.")
        }
        guard case .array(let elements) = requestsValue else {
            throw .invalidBatch("The batch's 'requests' must be an array of request objects.")
        }
        guard !elements.isEmpty else { throw .invalidBatch("The batch's 'requests' array is empty.") }
        guard elements.count <= GraphError.batchLimit else {
            throw .invalidBatch(
                "The batch has \(elements.count) requests; the limit is \(GraphError.batchLimit) requests per batch.")
        }
        var parsed: [(request: BatchRequest, dependsOn: [String])] = []
        for (position, element) in elements.enumerated() {
            parsed.append(try parse(element, position: position + 1))
        }
        var positions: [String: Int] = [:]
        for (position, item) in parsed.enumerated() {
            guard positions[item.request.id] == nil else {
                throw .invalidBatch("The id '\(item.request.id)' is used by more than one request in the batch.")
            }
            positions[item.request.id] = position
        }
        var requests: [BatchRequest] = []
        for item in parsed {
            var request = item.request
            for dependency in item.dependsOn {
                guard let position = positions[dependency] else {
                    throw .invalidBatch(
                        "Request '\(request.id)' depends on '\(dependency)', which is not a request in this batch.")
                }
                request.dependsOn.append(position)
            }
            requests.append(request)
        }
        return requests
    }

    /// Positions in the order the requests run: each after the requests it depends on, otherwise
    /// in array order [choice]. Throws for a dependency cycle.
    static func executionOrder(_ requests: [BatchRequest]) throws(GraphError) -> [Int] {
        var done = [Bool](repeating: false, count: requests.count)
        var order: [Int] = []
        while order.count < requests.count {
            let ready = requests.indices.first { index in
                !done[index] && requests[index].dependsOn.allSatisfy { done[$0] }
            }
            guard let ready else {
                let stuck = requests.indices.filter { !done[$0] }.map { "'\(requests[$0].id)'" }
                throw .invalidBatch(
                    "The requests \(stuck.joined(separator: ", ")) depend on each other in a cycle (dependsOn).")
            }
            done[ready] = true
            order.append(ready)
        }
        return order
    }

    /// One element of `requests`; `position` is 1-based, for messages about a request without an id.
    private static func parse(_ element: JSONValue, position: Int) throws(GraphError)
        -> (request: BatchRequest, dependsOn: [String])
    {
        guard case .object(let members) = element else {
            throw .invalidBatch("Request \(position) of the batch is not a JSON object.")
        }
        guard case .string(let id)? = members.first(where: { $0.key == "id" })?.value, !id.isEmpty else {
            throw .invalidBatch("Request \(position) of the batch has no 'id' (a non-empty string).")
        }
        func value(_ key: String) -> JSONValue? {
            let found = members.first(where: { $0.key == key })?.value
            return found == .null ? nil : found
        }
        guard case .string(let method)? = value("method"), !method.isEmpty else {
            throw .invalidBatch("Request '\(id)' has no 'method' (a string such as \"GET\").")
        }
        guard method.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7f }) else {
            throw .invalidBatch("Request '\(id)' has an invalid 'method'.")
        }
        guard case .string(let url)? = value("url"), !url.isEmpty else {
            throw .invalidBatch("Request '\(id)' has no 'url' (a string relative to the version, like '/me').")
        }
        var headers: [(name: String, value: String)] = []
        if let headersValue = value("headers") {
            guard case .object(let pairs) = headersValue else {
                throw .invalidBatch("The 'headers' of request '\(id)' must be an object of strings.")
            }
            for pair in pairs {
                guard case .string(let text) = pair.value, !pair.key.isEmpty else {
                    throw .invalidBatch("The 'headers' of request '\(id)' must be an object of strings.")
                }
                headers.append((pair.key, text))
            }
        }
        let body = value("body")
        if body != nil && !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            throw .invalidBatch("Request '\(id)' has a 'body' but no 'Content-Type' in its 'headers'.")
        }
        var dependsOn: [String] = []
        if let dependsValue = value("dependsOn") {
            guard case .array(let names) = dependsValue else {
                throw .invalidBatch("The 'dependsOn' of request '\(id)' must be an array of request ids.")
            }
            for name in names {
                guard case .string(let dependency) = name else {
                    throw .invalidBatch("The 'dependsOn' of request '\(id)' must be an array of request ids.")
                }
                dependsOn.append(dependency)
            }
        }
        let request = BatchRequest(
            id: id, method: method.uppercased(), url: url, headers: headers, body: body, dependsOn: [])
        return (request, dependsOn)
    }
}
