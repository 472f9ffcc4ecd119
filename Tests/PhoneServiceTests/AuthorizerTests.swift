import Testing

@testable import PhoneService
@testable import PhoneStore

/// Spec §4 on the pure `Authorizer`: who may read or write whose phones, and who sees them masked.
@Suite struct AuthorizerTests {
    static let caller = User(
        id: "c0000000-0000-4000-8000-000000000001", userPrincipalName: "c@x", displayName: "c", roleTemplateIDs: [])
    static let plain = User(
        id: "a0000000-0000-4000-8000-000000000002", userPrincipalName: "a@x", displayName: "a", roleTemplateIDs: [])
    static func admin(_ role: DirectoryRole) -> User {
        User(
            id: "b0000000-0000-4000-8000-000000000003", userPrincipalName: "b@x", displayName: "b",
            roleTemplateIDs: [role.rawValue])
    }

    static func delegated(_ scopes: [String], roles: [DirectoryRole] = []) -> Principal {
        Principal(
            kind: .delegated(userID: caller.id, scopes: Set(scopes), roleTemplateIDs: Set(roles.map(\.rawValue))),
            appID: "app")
    }

    static func application(_ roles: [String]) -> Principal {
        Principal(kind: .application(roles: Set(roles)), appID: "app")
    }

    /// The outcome: a visibility, or refused.
    enum Outcome: Equatable, CustomStringConvertible {
        case allowed(Authorizer.Visibility)
        case denied
        /// Any error but `accessDenied`: matches no expectation.
        case failed(GraphError)

        var description: String {
            switch self {
            case .allowed(let visibility): "allowed(\(visibility))"
            case .denied: "denied"
            case .failed(let error): "failed(\(error.code))"
            }
        }
    }

    static func outcome(_ principal: Principal, _ need: Need, _ target: User) -> Outcome {
        do {
            return .allowed(try Authorizer.authorize(principal, need, target: target))
        } catch {
            return error.code == "accessDenied" ? .denied : .failed(error)
        }
    }

    @Test(arguments: ["UserAuthMethod-Phone.Read.All", "UserAuthenticationMethod.Read.All"])
    func applicationReadRolesReadButDoNotWrite(role: String) {
        let app = Self.application([role])
        #expect(Self.outcome(app, .read, Self.plain) == .allowed(.full))
        #expect(Self.outcome(app, .read, Self.admin(.globalAdministrator)) == .allowed(.full))
        #expect(Self.outcome(app, .write, Self.plain) == .denied)
        #expect(Self.outcome(app, .createOrUpdate, Self.plain) == .denied)
    }

    @Test(arguments: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"])
    func applicationReadWriteRolesDoEverything(role: String) {
        let app = Self.application([role])
        for need in [Need.read, .write, .createOrUpdate] {
            #expect(Self.outcome(app, need, Self.admin(.globalAdministrator)) == .allowed(.full))
        }
    }

    @Test(arguments: [[], ["User.Read.All"], ["UserAuthMethod-Phone.Read"], ["UserAuthenticationMethod.ReadWrite"]])
    func applicationWithoutAnAllRoleIsDenied(roles: [String]) {
        #expect(Self.outcome(Self.application(roles), .read, Self.plain) == .denied)
    }

    @Test func selfReadNeedsAReadScope() {
        for scope in ["UserAuthMethod-Phone.Read", "UserAuthenticationMethod.Read", "UserAuthMethod-Phone.ReadWrite"] {
            #expect(Self.outcome(Self.delegated([scope]), .read, Self.caller) == .allowed(.full))
        }
        #expect(Self.outcome(Self.delegated(["User.Read"]), .read, Self.caller) == .denied)
    }

    @Test func selfWriteNeedsAReadWriteScope() {
        for scope in ["UserAuthMethod-Phone.ReadWrite", "UserAuthenticationMethod.ReadWrite"] {
            #expect(Self.outcome(Self.delegated([scope]), .write, Self.caller) == .allowed(.full))
        }
        #expect(Self.outcome(Self.delegated(["UserAuthenticationMethod.Read"]), .write, Self.caller) == .denied)
    }

    @Test func selfCreateOrUpdateIsDeniedEvenToGlobalAdministrators() {
        let principal = Self.delegated(
            ["UserAuthenticationMethod.ReadWrite.All", "UserAuthenticationMethod.ReadWrite"],
            roles: [.globalAdministrator, .privilegedAuthenticationAdministrator])
        #expect(Self.outcome(principal, .createOrUpdate, Self.caller) == .denied)
        #expect(Self.outcome(principal, .createOrUpdate, Self.plain) == .allowed(.full))
    }

    @Test(arguments: [DirectoryRole.globalAdministrator, .privilegedAuthenticationAdministrator])
    func privilegedRolesReadAndWriteAnyone(role: DirectoryRole) {
        let principal = Self.delegated(["UserAuthenticationMethod.ReadWrite.All"], roles: [role])
        for target in [Self.plain, Self.admin(.globalAdministrator), Self.admin(.authenticationAdministrator)] {
            for need in [Need.read, .write, .createOrUpdate] {
                #expect(Self.outcome(principal, need, target) == .allowed(.full))
            }
        }
    }

    @Test func authenticationAdministratorManagesNonAdminsMasked() {
        let principal = Self.delegated(["UserAuthMethod-Phone.ReadWrite.All"], roles: [.authenticationAdministrator])
        for need in [Need.read, .write, .createOrUpdate] {
            #expect(Self.outcome(principal, need, Self.plain) == .allowed(.masked))
            #expect(Self.outcome(principal, need, Self.admin(.globalReader)) == .allowed(.masked))
        }
        for role in DirectoryRole.allCases where role.isAdministrator {
            #expect(Self.outcome(principal, .read, Self.admin(role)) == .denied)
            #expect(Self.outcome(principal, .write, Self.admin(role)) == .denied)
        }
    }

    @Test func globalReaderReadsAnyoneButWritesNoOne() {
        let principal = Self.delegated(["UserAuthenticationMethod.ReadWrite.All"], roles: [.globalReader])
        #expect(Self.outcome(principal, .read, Self.plain) == .allowed(.full))
        #expect(Self.outcome(principal, .read, Self.admin(.globalAdministrator)) == .allowed(.full))
        #expect(Self.outcome(principal, .write, Self.plain) == .denied)
        #expect(Self.outcome(principal, .createOrUpdate, Self.plain) == .denied)
    }

    @Test func anotherUserNeedsBothAnAllScopeAndARole() {
        let noRole = Self.delegated(["UserAuthenticationMethod.ReadWrite.All"])
        #expect(Self.outcome(noRole, .read, Self.plain) == .denied)
        let noAll = Self.delegated(["UserAuthenticationMethod.ReadWrite"], roles: [.globalAdministrator])
        #expect(Self.outcome(noAll, .read, Self.plain) == .denied)
        #expect(Self.outcome(noAll, .write, Self.plain) == .denied)
        let readAll = Self.delegated(["UserAuthMethod-Phone.Read.All"], roles: [.globalAdministrator])
        #expect(Self.outcome(readAll, .read, Self.plain) == .allowed(.full))
        #expect(Self.outcome(readAll, .write, Self.plain) == .denied)
        let unknownRole = Principal(
            kind: .delegated(
                userID: Self.caller.id, scopes: ["UserAuthenticationMethod.ReadWrite.All"],
                roleTemplateIDs: ["fe930be7-5e62-47db-91af-98c3a49a38b1"]),
            appID: "app")
        #expect(Self.outcome(unknownRole, .read, Self.plain) == .denied)
    }

    /// The explanation a refusal carries for the journal (`nil` when it was not refused).
    static func explanation(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as GraphError {
            return error.code == "accessDenied" ? error.explanation : "not a 403: \(error.code)"
        } catch {
            return "not a GraphError: \(error)"
        }
    }

    @Test func precheckRefusesCallersWhoCouldReachNoOne() {
        #expect(
            Self.explanation { try Authorizer.precheck(Self.delegated(["User.Read"]), .read) }
                == "this request needs one of scp UserAuthMethod-Phone.Read UserAuthMethod-Phone.Read.All "
                + "UserAuthMethod-Phone.ReadWrite UserAuthMethod-Phone.ReadWrite.All UserAuthenticationMethod.Read "
                + "UserAuthenticationMethod.Read.All UserAuthenticationMethod.ReadWrite "
                + "UserAuthenticationMethod.ReadWrite.All; the token has scp User.Read")
        #expect(
            Self.explanation {
                try Authorizer.precheck(Self.delegated(["UserAuthenticationMethod.ReadWrite"]), .createOrUpdate)
            }
                == "this request needs one of scp UserAuthMethod-Phone.ReadWrite.All "
                + "UserAuthenticationMethod.ReadWrite.All; the token has scp UserAuthenticationMethod.ReadWrite")
        #expect(
            Self.explanation { try Authorizer.precheck(Self.application([]), .write) }
                == "this request needs one of roles UserAuthMethod-Phone.ReadWrite.All "
                + "UserAuthenticationMethod.ReadWrite.All; the token has roles none")
        #expect(
            Self.explanation { try Authorizer.precheck(Self.delegated(["UserAuthenticationMethod.Read"]), .read) }
                == nil)
    }

    @Test func refusalsOnAnotherUserNameTheDirectoryRolesThatWouldDo() {
        let reader = Self.delegated(["UserAuthenticationMethod.ReadWrite.All"])
        #expect(
            Self.explanation { _ = try Authorizer.authorize(reader, .write, target: Self.plain) }
                == "reaching another user's phone methods needs the directory role globalAdministrator or "
                + "privilegedAuthenticationAdministrator or authenticationAdministrator; the caller has no directory role"
        )
        let helpDesk = Self.delegated(["UserAuthenticationMethod.ReadWrite.All"], roles: [.authenticationAdministrator])
        #expect(
            Self.explanation {
                _ = try Authorizer.authorize(helpDesk, .write, target: Self.admin(.globalAdministrator))
            }
                == "reaching another user's phone methods (the target is an administrator) needs the directory role "
                + "globalAdministrator or privilegedAuthenticationAdministrator; the caller has directory roles "
                + "authenticationAdministrator")
        let own = Principal(
            kind: .delegated(
                userID: Self.plain.id, scopes: ["UserAuthenticationMethod.ReadWrite.All"], roleTemplateIDs: []),
            appID: "app")
        #expect(
            Self.explanation { _ = try Authorizer.authorize(own, .createOrUpdate, target: Self.plain) }?
                .hasPrefix("nobody adds or changes phone methods on their own account") == true)
    }
}
