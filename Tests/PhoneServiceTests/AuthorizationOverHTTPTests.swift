import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// Spec §4 over HTTP: each kind of caller against each kind of target, for every operation, with
/// the store checked afterwards so that a refused write provably changed nothing.
@Suite struct AuthorizationOverHTTPTests {
    enum Caller: Sendable {
        case app(roles: [String])
        case user(roles: [DirectoryRole], scopes: [String])
    }

    enum Target: String, Sendable {
        /// `/me`
        case me
        /// `/users/{the caller's own id}`
        case selfByID
        /// alice, who holds no role
        case plain
        /// root, a Global Administrator
        case globalAdmin
        /// helpdesk, an Authentication Administrator
        case authAdmin
    }

    enum Operation: String, Sendable, CaseIterable {
        case list, get, methods, create, update, delete
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var caller: Caller
        var target: Target
        var operation: Operation
        var status: Int
        var masked = false

        var testDescription: String {
            let who =
                switch caller {
                case .app(let roles): "app\(roles)"
                case .user(let roles, let scopes): "user\(roles.map(\.name))\(scopes)"
                }
            return "\(who) \(operation) \(target) → \(status)\(masked ? " masked" : "")"
        }
    }

    static let readOps: [Operation] = [.list, .get, .methods]
    static let writeOps: [Operation] = [.create, .update, .delete]

    static func rows(
        _ caller: Caller, _ target: Target, read: Int?, write: Int?, create: Int? = nil, masked: Bool = false
    ) -> [Case] {
        var cases: [Case] = []
        if let read {
            cases += readOps.map { Case(caller: caller, target: target, operation: $0, status: read, masked: masked) }
        }
        if let write {
            for operation in writeOps {
                let allowed = [Operation.create: 201, .update: 204, .delete: 204][operation] ?? 0
                let status = write == 200 ? allowed : write
                cases.append(
                    Case(
                        caller: caller, target: target, operation: operation,
                        status: operation == .delete ? status : (create ?? status), masked: masked))
            }
        }
        return cases
    }

    static let rw = "UserAuthenticationMethod.ReadWrite.All"
    static let phoneRW = "UserAuthMethod-Phone.ReadWrite.All"

    static let cases: [Case] =
        // Application permissions: *.Read.All reads, *.ReadWrite.All writes; anything else is refused.
        rows(.app(roles: ["UserAuthMethod-Phone.Read.All"]), .plain, read: 200, write: 403)
        + rows(.app(roles: ["UserAuthenticationMethod.Read.All"]), .globalAdmin, read: 200, write: 403)
        + rows(.app(roles: [phoneRW]), .plain, read: 200, write: 200)
        + rows(.app(roles: [rw]), .globalAdmin, read: 200, write: 200)
        + rows(.app(roles: []), .plain, read: 403, write: 403)
        + rows(.app(roles: ["User.Read.All", "UserAuthenticationMethod.ReadWrite"]), .plain, read: 403, write: 403)
        + rows(.app(roles: [rw]), .me, read: 400, write: 400)
        // Delegated, on oneself: Read reads, ReadWrite deletes, nobody creates or updates.
        + rows(.user(roles: [], scopes: ["UserAuthMethod-Phone.Read"]), .me, read: 200, write: 403)
        + rows(.user(roles: [], scopes: ["UserAuthenticationMethod.Read"]), .selfByID, read: 200, write: 403)
        + rows(.user(roles: [], scopes: ["UserAuthMethod-Phone.ReadWrite"]), .me, read: 200, write: 200, create: 403)
        + rows(
            .user(roles: [], scopes: ["UserAuthenticationMethod.ReadWrite"]), .selfByID, read: 200, write: 200,
            create: 403)
        + rows(
            .user(roles: [.globalAdministrator, .privilegedAuthenticationAdministrator], scopes: [rw, phoneRW]), .me,
            read: 200, write: 200, create: 403)
        + rows(.user(roles: [.globalAdministrator], scopes: [rw]), .selfByID, read: 200, write: 200, create: 403)
        + rows(.user(roles: [.globalAdministrator], scopes: ["User.Read"]), .me, read: 403, write: 403)
        // Delegated, on another user: an .All scope and a role that reaches the target.
        + rows(.user(roles: [.globalAdministrator], scopes: [rw]), .plain, read: 200, write: 200)
        + rows(.user(roles: [.globalAdministrator], scopes: [rw]), .globalAdmin, read: 200, write: 200)
        + rows(
            .user(roles: [.privilegedAuthenticationAdministrator], scopes: [phoneRW]), .globalAdmin, read: 200,
            write: 200)
        + rows(
            .user(roles: [.privilegedAuthenticationAdministrator], scopes: [phoneRW]), .authAdmin, read: 200, write: 200
        )
        + rows(.user(roles: [.authenticationAdministrator], scopes: [rw]), .plain, read: 200, write: 200, masked: true)
        + rows(
            .user(roles: [.authenticationAdministrator], scopes: ["UserAuthMethod-Phone.Read.All"]), .plain,
            read: 200, write: 403, masked: true)
        + rows(.user(roles: [.authenticationAdministrator], scopes: [rw]), .globalAdmin, read: 403, write: 403)
        + rows(.user(roles: [.authenticationAdministrator], scopes: [rw]), .authAdmin, read: 403, write: 403)
        + rows(
            .user(roles: [.globalReader], scopes: ["UserAuthenticationMethod.Read.All"]), .plain, read: 200, write: 403)
        + rows(.user(roles: [.globalReader], scopes: [rw]), .globalAdmin, read: 200, write: 403)
        + rows(.user(roles: [], scopes: [rw]), .plain, read: 403, write: 403)
        + rows(
            .user(roles: [.globalAdministrator], scopes: ["UserAuthenticationMethod.ReadWrite"]), .plain,
            read: 403, write: 403)
        + rows(
            .user(roles: [.globalAdministrator], scopes: ["UserAuthMethod-Phone.Read"]), .plain, read: 403, write: 403)
        + rows(
            .user(roles: [.globalAdministrator], scopes: ["UserAuthMethod-Phone.Read.All"]), .plain,
            read: 200, write: 403)

    @Test(arguments: cases)
    func permission(_ row: Case) throws {
        let server = try TestServer(limits: HTTPServer.Limits(threads: 2))
        let roles: [DirectoryRole] = if case .user(let roles, _) = row.caller { roles } else { [] }
        let caller = try server.addUser("caller@contoso.com", roles: roles)
        let alice = try server.addUser("alice@contoso.com")
        let root = try server.addUser("root@contoso.com", roles: [.globalAdministrator])
        let helpdesk = try server.addUser("helpdesk@contoso.com", roles: [.authenticationAdministrator])
        for user in [caller, alice, root, helpdesk] {
            _ = try server.store.createPhoneMethod(userID: user.id, type: .mobile, number: "+1 2065555555")
        }
        let token =
            switch row.caller {
            case .app(let roles): server.appToken(roles: roles)
            case .user(_, let scopes): server.token(for: caller, scopes: scopes)
            }
        let (userPart, target): (String, User) =
            switch row.target {
            case .me: ("me", caller)
            case .selfByID: ("users/\(caller.id)", caller)
            case .plain: ("users/alice%40contoso.com", alice)
            case .globalAdmin: ("users/root%40contoso.com", root)
            case .authAdmin: ("users/helpdesk%40contoso.com", helpdesk)
            }
        let mobile = methodsPath(.v1, userPart, id: Contract.methodID(.mobile))
        let response =
            switch row.operation {
            case .list: try server.send("GET", methodsPath(.v1, userPart), token: token)
            case .get: try server.send("GET", mobile, token: token)
            case .methods: try server.send("GET", methodsPath(.v1, userPart, "methods"), token: token)
            case .create:
                try server.send(
                    "POST", methodsPath(.v1, userPart), token: token, json: phoneBody("+1 4255550100", .office))
            case .update: try server.send("PATCH", mobile, token: token, json: phoneBody("+1 4255550199"))
            case .delete: try server.send("DELETE", mobile, token: token)
            }

        #expect(response.status == row.status)
        switch row.status {
        case 403:
            #expect(response.errorCode == "accessDenied")
            #expect(response.errorMessage == "Request Authorization failed")
        case 400:
            #expect(response.errorCode == "BadRequest")
            #expect(response.errorMessage == Contract.meNeedsDelegated)
        default:
            break
        }

        let shown = row.masked ? "+1 XXXXXXXX55" : "+1 2065555555"
        switch (row.operation, row.status) {
        case (.list, 200), (.methods, 200): #expect(response.items.map { $0["phoneNumber"] as? String } == [shown])
        case (.get, 200): #expect(response.string("phoneNumber") == shown)
        case (.create, 201): #expect(response.string("phoneNumber") == (row.masked ? "+1 XXXXXXXX00" : "+1 4255550100"))
        default: break
        }

        // What the store holds afterwards: changed only by an allowed write.
        let after = try server.store.phoneMethods(userID: target.id).map { "\($0.type.rawValue) \($0.number)" }
        let expected: [String] =
            switch (row.operation, row.status) {
            case (.create, 201): ["mobile +1 2065555555", "office +1 4255550100"]
            case (.update, 204): ["mobile +1 4255550199"]
            case (.delete, 204): []
            default: ["mobile +1 2065555555"]
            }
        #expect(after == expected)
    }

    /// An application token on `/me` is a 400 whatever it may do (spec §4).
    @Test(arguments: ["UserAuthenticationMethod.Read.All", rw])
    func appTokenOnMeIsABadRequest(role: String) throws {
        let fixture = try PhoneFixture()
        let response = try fixture.send(
            "GET", "/beta/me/authentication/methods", token: fixture.server.appToken(roles: [role]))
        #expect(response.status == 400)
        #expect(response.errorCode == "BadRequest")
        #expect(response.errorMessage == Contract.meNeedsDelegated)
    }
}
