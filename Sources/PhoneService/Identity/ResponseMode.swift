/// How the authorization endpoint hands the code back (`response_mode`), as Entra does: in the
/// redirect's query (the default for `code`), in its fragment, or in a page that posts a form.
enum ResponseMode: String, Sendable {
    case query
    case fragment
    case formPost = "form_post"

    /// The answer that takes `parameters` to `redirectURI`.
    func deliver(_ parameters: [(String, String)], to redirectURI: String, writer: ResponseWriter) -> HTTPResponse {
        let encoded = parameters.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }
            .joined(separator: "&")
        let noStore = ("Cache-Control", "no-store, no-cache")
        switch self {
        case .query:
            let location = redirectURI + (redirectURI.contains("?") ? "&" : "?") + encoded
            return HTTPResponse(status: 302, headers: [("Location", location), noStore])
        case .fragment:
            return HTTPResponse(status: 302, headers: [("Location", redirectURI + "#" + encoded), noStore])
        case .formPost:
            // Entra's page posts itself on load; the button does it without script.
            var html = "<form method=\"post\" name=\"hiddenform\" action=\"\(AuthorizeHandler.escape(redirectURI))\">"
            for (name, value) in parameters {
                html +=
                    "<input type=\"hidden\" name=\"\(AuthorizeHandler.escape(name))\" "
                    + "value=\"\(AuthorizeHandler.escape(value))\">"
            }
            html += "<noscript><p>Script is disabled. Click Submit to continue.</p></noscript>"
            html += "<button type=\"submit\">Submit</button></form>"
            html += "<script>document.forms[0].submit()</script>"
            var page = AuthorizeHandler.page(writer, status: 200, body: html)
            page.headers.append(noStore)
            return page
        }
    }
}
