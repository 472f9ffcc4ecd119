import Foundation
import PhoneStore

/// The admin API under `/_admin/`: set up, inspect and reset the test tenant over HTTP, without
/// restarts. It takes the tenant's admin key as a bearer token (never a Graph token), answers
/// plain JSON (not OData), and reports failures in Graph's error envelope.
struct AdminHandler: Sendable {
    static let prefix = "/_admin"

    let store: PhoneStore
    let administration: TenantAdministration
    let snapshots: SnapshotDirectory
    let controls: TestControls

    init(store: PhoneStore, snapshots: SnapshotDirectory, controls: TestControls) {
        self.store = store
        self.administration = TenantAdministration(store: store)
        self.snapshots = snapshots
        self.controls = controls
    }

    static let missingKey = GraphError.unauthenticated(
        "The admin API needs the admin key as a bearer token ('phone-service admin-key' prints it).")
    static let wrongKey = GraphError.unauthenticated("The admin key is not valid for this tenant.")

    /// Refuses a request without the tenant's admin key. Compared in constant time.
    func authorize(_ request: HTTPRequest) throws(GraphError) {
        guard let header = request.header("authorization"), let presented = TokenVerifier.bearerToken(header) else {
            throw Self.missingKey
        }
        let expected = Array(store.tenant.adminKey.utf8)
        let given = Array(presented.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for (index, byte) in expected.enumerated() { difference |= byte ^ (index < given.count ? given[index] : 0) }
        guard difference == 0, !expected.isEmpty else { throw Self.wrongKey }
    }

    /// Segments after `/_admin`, percent-decoded.
    static func segments(_ path: String) throws(GraphError) -> [String] {
        try Router.decode(path.dropFirst(prefix.count).split(separator: "/"))
    }

    func handle(_ request: HTTPRequest, response: ResponseWriter) throws(GraphError) -> HTTPResponse {
        try authorize(request)
        let path = try Self.segments(request.path)
        let method = request.method
        do {
            guard let route = AdminRoute(path) else { throw Self.unknown(method, path) }
            switch (method, route) {
            case ("GET", .users):
                let users = try store.users()
                return json(response, 200) { $0.array(users, Self.write) }
            case ("POST", .users):
                let body = try AdminBody(request, describing: "'userPrincipalName'")
                try body.only(["userPrincipalName", "displayName", "id", "roles"])
                let user = try administration.addUser(
                    userPrincipalName: try body.requiredString("userPrincipalName"), id: try body.string("id"),
                    displayName: try body.string("displayName"), roles: try body.strings("roles") ?? [])
                return json(response, 201) { Self.write(user, to: &$0) }
            case ("GET", .user(let key)):
                let user = try administration.user(key)
                return json(response, 200) { Self.write(user, to: &$0) }
            case ("DELETE", .user(let key)):
                try store.removeUser(key: key)
                return response.noContent()
            case ("DELETE", .userPhoneMethods(let key)):
                try store.removePhoneMethods(userKey: key)
                return response.noContent()
            case ("GET", .groups):
                let groups = try store.groups()
                return json(response, 200) { $0.array(groups, Self.write) }
            case ("POST", .groups):
                let body = try AdminBody(request, describing: "'displayName'")
                try body.only(["displayName", "id"])
                let group = try administration.addGroup(
                    displayName: try body.requiredString("displayName"), id: try body.string("id"))
                return json(response, 201) { Self.write(group, to: &$0) }
            case ("DELETE", .group(let key)):
                try store.removeGroup(key: key)
                return response.noContent()
            case ("POST", .groupMembers(let group)):
                let body = try AdminBody(request, describing: "'user'")
                try body.only(["user"])
                try store.addGroupMember(group: group, user: try body.requiredString("user"))
                return response.noContent()
            case ("DELETE", .groupMember(let group, let user)):
                try store.removeGroupMember(group: group, user: user)
                return response.noContent()
            case ("POST", .tokens):
                return try token(request, response: response)
            case ("GET", .smsPolicy):
                return response.json(
                    status: 200, body: SmsPolicyHandler.representation(try store.smsPolicy(), version: .v1),
                    contentType: "application/json")
            case ("PATCH", .smsPolicy):
                let body = try AdminBody(request, describing: "'state', 'include' or 'exclude'")
                try body.only(["state", "include", "exclude"])
                let state = try body.string("state")
                guard state == nil || state == "enabled" || state == "disabled" else {
                    throw GraphError.badRequest("The property 'state' must be 'enabled' or 'disabled'.")
                }
                let policy = try administration.changeSmsPolicy(
                    .init(
                        enabled: state.map { $0 == "enabled" }, include: try body.strings("include"),
                        exclude: try body.strings("exclude")))
                return response.json(
                    status: 200, body: SmsPolicyHandler.representation(policy, version: .v1),
                    contentType: "application/json")
            case ("POST", .reset):
                return try reset(request, response: response)
            case ("GET", .journal):
                let query = try JournalQuery(request.query)
                return response.json(status: 200, body: try query.page(store), contentType: "application/json")
            case ("GET", .snapshots):
                let list = try snapshots.list()
                return json(response, 200) { writer in
                    writer.array(list) { snapshot, writer in
                        writer.beginObject()
                        writer.key("name")
                        writer.string(snapshot.name)
                        writer.key("createdDateTime")
                        writer.string(snapshot.created)
                        writer.key("size")
                        writer.number(snapshot.size)
                        writer.endObject()
                    }
                }
            case ("POST", .snapshots):
                let body = try AdminBody(request, describing: "'name'")
                try body.only(["name"])
                let name = try body.requiredString("name")
                try snapshots.save(name, from: store)
                return json(response, 201) { writer in
                    writer.beginObject()
                    writer.key("name")
                    writer.string(name)
                    writer.endObject()
                }
            case ("POST", .snapshotRestore(let name)):
                try store.restoreLive(from: try snapshots.path(of: name, mustExist: true))
                return response.noContent()
            case ("DELETE", .snapshot(let name)):
                try snapshots.delete(name)
                return response.noContent()
            case ("GET", .faults):
                let rules = controls.faults.list()
                return json(response, 200) { $0.array(rules, FaultRuleBody.write) }
            case ("POST", .faults):
                let rule = try FaultRuleBody.parse(request, store: store)
                controls.faults.add(rule)
                return json(response, 201) { FaultRuleBody.write(rule, to: &$0) }
            case ("DELETE", .faults):
                controls.faults.removeAll()
                return response.noContent()
            case ("DELETE", .fault(let id)):
                guard controls.faults.remove(id: id) else {
                    throw GraphError(status: 404, code: "itemNotFound", message: "There is no fault rule '\(id)'.")
                }
                return response.noContent()
            case ("GET", .throttling):
                let settings = controls.throttle.settings
                return json(response, 200) { ThrottleBody.write(settings, to: &$0) }
            case ("PUT", .throttling):
                let settings = try ThrottleBody.parse(request)
                controls.throttle.configure(settings)
                return json(response, 200) { ThrottleBody.write(settings, to: &$0) }
            default:
                throw Self.unknown(method, path)
            }
        } catch let error as GraphError {
            throw error
        } catch let error as TenantAdministration.Failure {
            throw error.kind == .notFound
                ? GraphError(status: 404, code: "itemNotFound", message: error.message) : .badRequest(error.message)
        } catch let error as StoreError {
            throw GraphError(error)
        } catch {
            throw .generalException
        }
    }

    /// `POST /_admin/tokens`: `{"user": "...", "scopes": [...]}` or `{"app": true, "roles": [...]}`.
    private func token(_ request: HTTPRequest, response: ResponseWriter) throws -> HTTPResponse {
        let body = try AdminBody(request, describing: "'user' and 'scopes', or 'app' and 'roles'")
        try body.only(["user", "scopes", "app", "roles", "appId", "lifetimeSeconds"])
        let tokenRequest = TenantAdministration.TokenRequest(
            user: try body.string("user"), scopes: try body.strings("scopes"), app: try body.bool("app") ?? false,
            roles: try body.strings("roles"), appID: try body.string("appId"),
            lifetimeSeconds: try body.int("lifetimeSeconds") ?? 3600)
        let token = try administration.token(tokenRequest)
        return json(response, 200) { writer in
            writer.beginObject()
            writer.key("tokenType")
            writer.string("Bearer")
            writer.key("accessToken")
            writer.string(token)
            writer.key("expiresIn")
            writer.number(tokenRequest.lifetimeSeconds)
            writer.endObject()
        }
    }

    /// `POST /_admin/reset`, optionally `{"keep": ["users", "groups", "signingKey", "journal"]}`.
    private func reset(_ request: HTTPRequest, response: ResponseWriter) throws -> HTTPResponse {
        let body = try AdminBody(request, describing: "'keep'", allowEmpty: true)
        try body.only(["keep"])
        let keep = Set(try body.strings("keep") ?? [])
        let known: Set<String> = ["users", "groups", "signingKey", "journal"]
        if let unknown = keep.subtracting(known).sorted().first {
            throw GraphError.badRequest(
                "Cannot keep '\(unknown)'; 'keep' takes 'users', 'groups', 'signingKey' and 'journal'.")
        }
        try store.reset(
            ResetScope(
                keepUsers: keep.contains("users"), keepGroups: keep.contains("groups"),
                keepSigningKey: keep.contains("signingKey"), keepJournal: keep.contains("journal")))
        controls.reset()
        return response.noContent()
    }

    private static func unknown(_ method: String, _ path: [String]) -> GraphError {
        GraphError(
            status: 404, code: "itemNotFound",
            message:
                "No admin endpoint \(method) /_admin/\(path.joined(separator: "/")); see the README's admin API table.")
    }

    private func json(_ response: ResponseWriter, _ status: Int, _ build: (inout JSONWriter) throws -> Void) rethrows
        -> HTTPResponse
    {
        var writer = JSONWriter()
        try build(&writer)
        return response.json(status: status, body: writer.bytes, contentType: "application/json")
    }

    static func write(_ user: User, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(user.id)
        writer.key("userPrincipalName")
        writer.string(user.userPrincipalName)
        writer.key("displayName")
        writer.string(user.displayName)
        writer.key("roles")
        writer.beginArray()
        for id in user.roleTemplateIDs { writer.string(DirectoryRole(rawValue: id)?.name ?? id) }
        writer.endArray()
        writer.endObject()
    }

    static func write(_ group: Group, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(group.id)
        writer.key("displayName")
        writer.string(group.displayName)
        writer.key("memberIds")
        writer.beginArray()
        for id in group.memberIDs { writer.string(id) }
        writer.endArray()
        writer.endObject()
    }
}

/// What an admin path addresses.
enum AdminRoute: Equatable {
    case users, user(String), userPhoneMethods(String)
    case groups, group(String), groupMembers(String), groupMember(String, String)
    case tokens, smsPolicy, reset, journal
    case snapshots, snapshot(String), snapshotRestore(String)
    case faults, fault(String), throttling

    init?(_ path: [String]) {
        switch path.count {
        case 1:
            switch path[0] {
            case "users": self = .users
            case "groups": self = .groups
            case "tokens": self = .tokens
            case "reset": self = .reset
            case "snapshots": self = .snapshots
            case "faults": self = .faults
            case "throttling": self = .throttling
            case "journal": self = .journal
            default: return nil
            }
        case 2:
            switch path[0] {
            case "users": self = .user(path[1])
            case "groups": self = .group(path[1])
            case "snapshots": self = .snapshot(path[1])
            case "faults": self = .fault(path[1])
            case "policies" where path[1] == "sms": self = .smsPolicy
            default: return nil
            }
        case 3:
            switch (path[0], path[2]) {
            case ("users", "phoneMethods"): self = .userPhoneMethods(path[1])
            case ("groups", "members"): self = .groupMembers(path[1])
            case ("snapshots", "restore"): self = .snapshotRestore(path[1])
            default: return nil
            }
        case 4 where path[0] == "groups" && path[2] == "members":
            self = .groupMember(path[1], path[3])
        default:
            return nil
        }
    }
}

extension JSONWriter {
    /// `{"value": [...]}` with one element written by `element` per item.
    mutating func array<T>(_ items: [T], _ element: (T, inout JSONWriter) -> Void) {
        beginObject()
        key("value")
        beginArray()
        for item in items { element(item, &self) }
        endArray()
        endObject()
    }
}
