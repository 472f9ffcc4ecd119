/// `/_admin/ui/`: the dashboard's static files, served to anyone (`RouteFamily.dashboard`). They
/// hold no tenant data: the page asks for the admin key and calls the admin API with it as a bearer
/// token, so the dashboard can do nothing the admin API would not let the key do.
struct DashboardHandler: Sendable {
    /// The segment after `_admin` that the dashboard's paths start with.
    static let segment = "ui"
    static let index = "index.html"

    func register(in table: inout RouteTable<Endpoint>) {
        let base = "/\(RouteFamily.adminPrefix)/\(Self.segment)"
        for method in ["GET", "HEAD"] {
            table.add(method, base, Endpoint(throttled: false) { call in try Self.serve(Self.index, call) })
            table.add(
                method, base + "/{file}",
                Endpoint(throttled: false) { call in try Self.serve(call.parameter("file"), call) })
        }
    }

    static func serve(_ name: String, _ call: Call) throws -> HandlerOutcome {
        guard let file = DashboardAssets.files[name] else {
            throw GraphError.itemNotFound("The dashboard has no file '\(name)'.")
        }
        let headers: [(name: String, value: String)] = [
            ("Content-Type", file.contentType), ("Content-Security-Policy", DashboardAssets.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-cache"), ("X-Frame-Options", "DENY"),
        ]
        let body = call.request.method == "HEAD" ? [] : file.body
        return .response(HTTPResponse(status: 200, headers: headers, body: body))
    }
}
