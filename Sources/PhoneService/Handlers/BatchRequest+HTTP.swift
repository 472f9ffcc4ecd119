extension BatchRequest {
    /// The HTTP request this batch request stands for under `version`, as if it had been sent on its
    /// own: its url put under the version, its query decoded as libmicrohttpd decodes one, its
    /// headers lower-cased, its body as JSON text, and the batch's own `Authorization` [choice: an
    /// inner `Authorization` is replaced, as Graph applies the batch's token to every request].
    /// Throws the error that request alone answers when its url cannot be sent inside a batch:
    /// absolute, or a `$batch`. A url that names a version (`/v1.0/me`) is not refused here: as on
    /// Graph, the version is then an unknown segment (`400`, "Resource not found for the segment
    /// 'v1.0'.") from the router.
    func httpRequest(version: APIVersion, authorization: String?) throws(GraphError) -> HTTPRequest {
        let lowered = url.lowercased()
        if lowered.hasPrefix("http:") || lowered.hasPrefix("https:") || lowered.hasPrefix("//") {
            throw .invalidBatchURL(url, "a batch request's url is relative to the version, like '/me/…'.")
        }
        let parsed = RequestTarget(parsing: Substring(url.hasPrefix("/") ? url : "/" + url))
        if parsed.segments.first?.lowercased() == "$batch" {
            throw .invalidBatchURL(url, "a batch cannot contain another batch.")
        }

        var headerMap: [String: String] = [:]
        for header in headers {
            let name = header.name.lowercased()
            headerMap[name] = headerMap[name].map { $0 + ", " + header.value } ?? header.value
        }
        headerMap["authorization"] = authorization

        return HTTPRequest(
            method: method, path: "/\(version.rawValue)\(parsed.path)", query: parsed.query, headers: headerMap,
            body: body?.serialized() ?? [])
    }
}
