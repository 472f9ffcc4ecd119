import Foundation
import PhoneStore

/// `/_admin/tenants`, opened by the operator key alone: create, list, read and delete tenants
/// (docs/tenants.md). A tenant's own routes, `/_admin/tenants/{id}/...`, are forwarded to that
/// tenant by `Application`, not here.
struct OperatorHandler: Sendable {
    let tenants: TenantDirectory

    func register(in table: inout RouteTable<Endpoint>) {
        var add = RouteGroup(prefix: "/\(RouteFamily.adminPrefix)/tenants")
        add("GET", "", list)
        add("POST", "", create)
        add("GET", "/{tenant}", get)
        add("DELETE", "/{tenant}", delete)
        table.add(add)
    }

    func list(_ call: Call) -> HandlerOutcome {
        let all = [describeDefault()] + tenants.records.map(describe)
        return .response(call.response.json(status: 200, value: AdminHandler.list(all)))
    }

    /// `{"id"?, "displayName"?, "keep"?}`; the file work and the registry's commit run off the pool
    /// thread, and the 201 leaves after both.
    func create(_ call: Call) throws -> HandlerOutcome {
        let body = try AdminBody(call.request, describing: "'displayName'", allowEmpty: true)
        try body.only(["id", "displayName", "keep"])
        let id = try body.string("id")?.lowercased()
        if let id, !TenantPaths.isValidID(id) {
            throw GraphError.badRequest(
                "The tenant id '\(id)' is not valid: a tenant id is a GUID, as tid claims carry it.")
        }
        let (displayName, keep) = (try body.string("displayName") ?? "", try body.bool("keep") ?? false)
        let (tenants, response) = (tenants, call.response)
        return .deferred { finish in
            DispatchQueue.global().async {
                do {
                    let record = try tenants.create(id: id, displayName: displayName, keep: keep)
                    finish(.success(response.json(status: 201, value: Self.value(record))))
                } catch {
                    finish(.failure(Self.graphError(error)))
                }
            }
        }
    }

    func get(_ call: Call) throws -> HandlerOutcome {
        let id = call.parameter("tenant").lowercased()
        if id == tenants.defaultTenant.store.tenant.id {
            return .response(call.response.json(status: 200, value: describeDefault()))
        }
        guard let record = tenants.record(id) else { throw Self.graphError(TenantDirectory.ChangeError.notFound(id)) }
        return .response(call.response.json(status: 200, value: describe(record)))
    }

    /// A registered tenant as listed and read: its record and its files' size and last write.
    func describe(_ record: TenantRecord) -> JSONValue {
        Self.value(record).adding(
            TenantUsage(file: tenants.paths.file(of: record.id)).members(keep: record.keep, expiry: tenants.expiry))
    }

    /// The default tenant (the `--db` file): kept, never expires, no creation time recorded.
    func describeDefault() -> JSONValue {
        let store = tenants.defaultTenant.store
        return Self.value(
            id: store.tenant.id, displayName: "", adminKey: store.tenant.adminKey, keep: true, isDefault: true
        ).adding(TenantUsage(file: store.path).members(keep: true, expiry: tenants.expiry))
    }

    func delete(_ call: Call) -> HandlerOutcome {
        let (tenants, response, id) = (tenants, call.response, call.parameter("tenant").lowercased())
        return .deferred { finish in
            DispatchQueue.global().async {
                do {
                    try tenants.delete(id)
                    finish(.success(response.noContent()))
                } catch {
                    finish(.failure(Self.graphError(error)))
                }
            }
        }
    }

    static func graphError(_ error: any Error) -> GraphError {
        switch error {
        case TenantDirectory.ChangeError.exists(let id): .conflict("A tenant with id '\(id)' exists.")
        case TenantDirectory.ChangeError.notFound(let id): .itemNotFound("No tenant '\(id)'.")
        case TenantDirectory.ChangeError.isDefault:
            .badRequest("The default tenant (the --db file) cannot be deleted; reset it with POST /_admin/reset.")
        default: GraphError(error)
        }
    }

    static func value(_ record: TenantRecord) -> JSONValue {
        value(
            id: record.id, displayName: record.displayName, adminKey: record.adminKey, keep: record.keep,
            isDefault: false
        ).adding([("createdAt", .string(record.createdAt))])
    }

    static func value(id: String, displayName: String, adminKey: String, keep: Bool, isDefault: Bool) -> JSONValue {
        .object([
            ("id", .string(id)), ("displayName", .string(displayName)), ("adminKey", .string(adminKey)),
            ("keep", .bool(keep)), ("default", .bool(isDefault)),
        ])
    }
}

extension JSONValue {
    /// An object with `members` after its own (anything else is returned as it is).
    fileprivate func adding(_ members: [(key: String, value: JSONValue)]) -> JSONValue {
        guard case .object(let own) = self else { return self }
        return .object(own + members)
    }
}
