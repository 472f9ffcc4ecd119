import PhoneStore

/// `GET /healthz`, without a token: 200 when the database answers a read and yields its write
/// lock, 503 otherwise. Shows no tenant data. The write lock is taken through the writer's queue,
/// so a probe never holds a pool thread while it waits.
struct HealthHandler: Sendable {
    let store: PhoneStore

    func register(in table: inout RouteTable<Endpoint>) {
        table.add("GET", "/healthz", Endpoint(throttled: false, health))
        table.add("HEAD", "/healthz", Endpoint(throttled: false, health))
    }

    func health(_ call: Call) -> HandlerOutcome {
        let (store, response) = (store, call.response)
        let readable = (try? store.probeRead()) != nil
        return .deferred { finish in
            store.submit(.probe) { result in
                let healthy = readable && (try? result.get()) != nil
                let body: JSONValue = .object([
                    ("status", .string(healthy ? "ok" : "unavailable")),
                    ("version", .string(BuildInfo.version)),
                    ("schemaVersion", .number(Double(store.schemaVersion))),
                ])
                finish(.success(response.json(status: healthy ? 200 : 503, value: body)))
            }
        }
    }
}
