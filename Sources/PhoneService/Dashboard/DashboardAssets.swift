/// The dashboard's files, embedded at build time by EmbedDashboardPlugin from `Dashboard/Assets/`
/// (`embedded`, generated), with the headers they are served with.
enum DashboardAssets {
    /// Only the dashboard's own files may run or style the page; nothing inline, nothing fetched
    /// from elsewhere, no framing (clickjacking), forms post nowhere but here.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Each file's bytes and content type, by name.
    static let files: [String: (contentType: String, body: [UInt8])] = embedded.reduce(into: [:]) { files, file in
        files[file.key] = (contentType(of: file.key), Array(file.value.utf8))
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "text/plain; charset=utf-8"
        }
    }
}
