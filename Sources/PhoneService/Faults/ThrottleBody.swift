/// Throttling settings as the admin API reads and writes them:
/// `{"enabled": true, "appRequestsPerSecond": 10, "appBurst": 20, "tenantRequestsPerSecond": 100, "tenantBurst": 200}`.
enum ThrottleBody {
    static func parse(_ request: HTTPRequest) throws(GraphError) -> Throttle.Settings {
        let body = try AdminBody(request, describing: "'enabled' and the rates")
        try body.only(["enabled", "appRequestsPerSecond", "appBurst", "tenantRequestsPerSecond", "tenantBurst"])
        var settings = Throttle.Settings()
        settings.enabled = try body.bool("enabled") ?? true
        func positive(_ name: String, _ value: inout Double) throws(GraphError) {
            guard let given = try body.int(name) else { return }
            guard given >= 1 else { throw .badRequest("The property '\(name)' must be at least 1.") }
            value = Double(given)
        }
        try positive("appRequestsPerSecond", &settings.appRate)
        try positive("appBurst", &settings.appBurst)
        try positive("tenantRequestsPerSecond", &settings.tenantRate)
        try positive("tenantBurst", &settings.tenantBurst)
        return settings
    }

    static func value(_ settings: Throttle.Settings) -> JSONValue {
        .object([
            ("enabled", .bool(settings.enabled)),
            ("appRequestsPerSecond", .number(settings.appRate)),
            ("appBurst", .number(settings.appBurst)),
            ("tenantRequestsPerSecond", .number(settings.tenantRate)),
            ("tenantBurst", .number(settings.tenantBurst)),
        ])
    }
}
