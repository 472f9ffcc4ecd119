import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// `phone-service user ...` and `phone-service token ...`, run as the built binary.
@Suite struct CommandLineTests {
    /// A user line of `user list`: id, user principal name, display name, roles.
    struct Listed: Equatable {
        var id: String
        var userPrincipalName: String
        var displayName: String
        var roles: Set<String>
    }

    static func list(_ db: String) throws -> [Listed] {
        let result = try runPhoneService(["user", "list", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Listed(
                id: fields[0], userPrincipalName: fields.count > 1 ? fields[1] : "",
                displayName: fields.count > 2 ? fields[2] : "",
                roles: Set((fields.count > 3 ? fields[3] : "").split(separator: ",").map(String.init)))
        }
    }

    /// Runs a command that must fail: non-zero exit, exactly one stderr line, starting with
    /// "phone-service: error:" and containing each of `mentions`, nothing on stdout.
    @discardableResult
    static func expectFailure(
        _ arguments: [String], mentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CommandResult {
        let result = try runPhoneService(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        let line = result.errorLines.first ?? ""
        #expect(line.hasPrefix("phone-service: error: "), "\(line)", sourceLocation: sourceLocation)
        for mention in mentions {
            #expect(line.contains(mention), "\(line)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
        return result
    }

    @Test func userAddPrintsAnIDThatUserListShows() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let added = try runPhoneService(["user", "add", "alice@contoso.com", "--db", db])
        #expect(added.status == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .newlines)
        #expect(UUID(uuidString: id) != nil, "not a GUID: \(id)")
        #expect(id == id.lowercased())
        #expect(added.stdout == id + "\n")
        #expect(
            try Self.list(db) == [
                Listed(id: id, userPrincipalName: "alice@contoso.com", displayName: "alice", roles: [])
            ])
    }

    @Test func rolesAreGivenByNameOrTemplateIDAndListedByName() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let added = try runPhoneService([
            "user", "add", "admin@contoso.com", "--db", db, "--display-name", "The Admin",
            "--role", "globalAdministrator", "--role", DirectoryRole.authenticationAdministrator.rawValue.uppercased(),
            "--role", "GLOBALREADER", "--id", "0B2D4C6E-1111-4222-8333-944455556666",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "0b2d4c6e-1111-4222-8333-944455556666\n")
        #expect(
            try Self.list(db) == [
                Listed(
                    id: "0b2d4c6e-1111-4222-8333-944455556666", userPrincipalName: "admin@contoso.com",
                    displayName: "The Admin",
                    roles: ["globalAdministrator", "authenticationAdministrator", "globalReader"])
            ])
        let store = try PhoneStore(path: db)
        let user = try #require(try store.user(key: "admin@contoso.com"))
        #expect(
            Set(user.roles) == [.globalAdministrator, .authenticationAdministrator, .globalReader])
    }

    @Test func refusedAddsPrintOneErrorLineAndAddNothing() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        #expect(try runPhoneService(["user", "add", "alice@contoso.com", "--db", db]).status == 0)
        let before = try Self.list(db)

        try Self.expectFailure(
            ["user", "add", "bob@contoso.com", "--db", db, "--role", "superUser"], mentions: ["'superUser'"])
        try Self.expectFailure(
            [
                "user", "add", "bob@contoso.com", "--db", db, "--role", "globalReader", "--role",
                "00000000-0000-0000-0000-000000000000",
            ],
            mentions: ["00000000-0000-0000-0000-000000000000"])
        try Self.expectFailure(
            ["user", "add", "bob@contoso.com", "--db", db, "--id", "not-a-guid"], mentions: ["not-a-guid"])
        try Self.expectFailure(["user", "add", "bob@contoso.com", "--db", db, "--id", ""])
        try Self.expectFailure(["user", "add", "ALICE@Contoso.COM", "--db", db], mentions: ["already exists"])
        try Self.expectFailure(["user", "add", "alice@contoso.com", "--db", db], mentions: ["already exists"])
        try Self.expectFailure(["user", "add", "no-at-sign", "--db", db], mentions: ["userPrincipalName"])
        try Self.expectFailure(
            ["user", "add", "carol@contoso.com", "--db", db, "--id", before[0].id.uppercased()],
            mentions: ["already exists"])
        #expect(try Self.list(db) == before)
    }

    @Test func userRemoveByUserPrincipalNameOrID() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        for upn in ["alice@contoso.com", "bob@contoso.com", "carol@contoso.com"] {
            #expect(try runPhoneService(["user", "add", upn, "--db", db]).status == 0)
        }
        let store = try PhoneStore(path: db)
        let bob = try #require(try store.user(key: "bob@contoso.com"))
        _ = try store.createPhoneMethod(userID: bob.id, type: .mobile, number: "+1 2065555555")

        let removed = try runPhoneService(["user", "remove", "BOB@contoso.com", "--db", db])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stderr.isEmpty)
        #expect(try Self.list(db).map(\.userPrincipalName) == ["alice@contoso.com", "carol@contoso.com"])
        // The user is gone, and with them their phones.
        let phones = try store.read { db in
            try db.scalarInt("SELECT count(*) FROM phone_method WHERE user_id = ?", [.text(bob.id)])
        }
        #expect(phones == 0)

        let carol = try #require(try store.user(key: "carol@contoso.com"))
        #expect(try runPhoneService(["user", "remove", carol.id, "--db", db]).status == 0)
        #expect(try Self.list(db).map(\.userPrincipalName) == ["alice@contoso.com"])

        try Self.expectFailure(["user", "remove", "bob@contoso.com", "--db", db], mentions: ["bob@contoso.com"])
        #expect(try Self.list(db).count == 1)
    }

    @Test func aDelegatedTokenCarriesTheUsersClaims() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let added = try runPhoneService([
            "user", "add", "admin@contoso.com", "--db", db, "--role", "privilegedAuthenticationAdministrator",
            "--role", "globalReader",
        ])
        let id = added.stdout.trimmingCharacters(in: .newlines)
        let issued = Date().timeIntervalSince1970
        let minted = try runPhoneService([
            "token", "--db", db, "--user", "ADMIN@contoso.com", "--scopes",
            "UserAuthenticationMethod.ReadWrite.All UserAuthMethod-Phone.Read", "--expires", "600",
        ])
        #expect(minted.status == 0, "\(minted.stderr)")
        let token = minted.stdout.trimmingCharacters(in: .newlines)
        #expect(minted.stdout == token + "\n")
        let decoded = try JWT.decode(token)
        #expect(decoded.header["alg"] == .string("RS256"))
        let claims = decoded.claims
        let store = try PhoneStore(path: db)
        let tenant = store.tenant
        #expect(claims["tid"] == .string(tenant.id))
        #expect(claims["oid"] == .string(id))
        #expect(claims["scp"] == .string("UserAuthenticationMethod.ReadWrite.All UserAuthMethod-Phone.Read"))
        #expect(claims["aud"] == .string("https://graph.microsoft.com"))
        #expect(claims["roles"] == nil)
        guard case .array(let wids) = claims["wids"] else {
            Issue.record("no wids: \(claims)")
            return
        }
        let roleIDs = wids.compactMap { value -> String? in
            if case .string(let id) = value { return id }
            return nil
        }
        #expect(
            Set(roleIDs) == [
                DirectoryRole.privilegedAuthenticationAdministrator.rawValue, DirectoryRole.globalReader.rawValue,
            ])
        #expect(roleIDs.count == 2)
        guard case .number(let exp) = claims["exp"] else {
            Issue.record("no exp")
            return
        }
        #expect(abs(exp - (issued + 600)) < 10, "exp \(exp), expected about \(issued + 600)")
        // Signed by the service's key, which the command made and stored, and named by its kid.
        let key = try #require(store.serviceSigningKeys.first)
        #expect(tenant.signingKeys.isEmpty && claims["rh"] == .string(tenant.tokenEpoch))
        #expect(decoded.header["kid"] == .string(key.kid) && decoded.header["x5t"] == .string(key.x5t))
        let verified = try JWT.verifyRSA(token, algorithms: ["RS256"]) { _ in try? SigningKey(key).publicKey }
        #expect(verified.claims == claims)
        #expect(claims["iss"] == .string("https://sts.windows.net/\(tenant.id)/") && claims["ver"] == .string("1.0"))
        #expect(claims["upn"] == .string("admin@contoso.com") && claims["idtyp"] == .string("user"))
    }

    @Test func anApplicationTokenCarriesItsRoles() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let minted = try runPhoneService([
            "token", "--db", db, "--app", "--roles",
            "UserAuthenticationMethod.Read.All UserAuthMethod-Phone.ReadWrite.All",
        ])
        #expect(minted.status == 0, "\(minted.stderr)")
        let claims = try JWT.decode(minted.stdout.trimmingCharacters(in: .newlines)).claims
        #expect(
            claims["roles"]
                == .array([.string("UserAuthenticationMethod.Read.All"), .string("UserAuthMethod-Phone.ReadWrite.All")])
        )
        #expect(claims["scp"] == nil)
        #expect(claims["oid"] == .string(TokenIssuer.defaultObjectID), "an app token names its service principal")
        #expect(claims["idtyp"] == .string("app"))
        #expect(claims["tid"] == .string(try PhoneStore(path: db).tenant.id))
        guard case .number(let exp) = claims["exp"] else {
            Issue.record("no exp")
            return
        }
        #expect(abs(exp - (Date().timeIntervalSince1970 + 3600)) < 10)
    }

    @Test func aTokenForAnUnknownUserFails() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        #expect(try runPhoneService(["user", "add", "alice@contoso.com", "--db", db]).status == 0)
        try Self.expectFailure(
            ["token", "--db", db, "--user", "nobody@contoso.com", "--scopes", "User.Read"],
            mentions: ["nobody@contoso.com"])
        try Self.expectFailure(
            ["token", "--db", db, "--user", "00000000-0000-0000-0000-000000000000", "--scopes", "User.Read"],
            mentions: ["00000000-0000-0000-0000-000000000000"])
    }

    @Test func badTokenOptionsFailWithoutAToken() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        for arguments in [
            ["token", "--db", db], ["token", "--db", db, "--app", "--user", "a@b.c"],
            ["token", "--db", db, "--user", "a@b.c"], ["token", "--db", db, "--app", "--expires", "0"],
        ] {
            let result = try runPhoneService(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(!result.stderr.isEmpty)
        }
    }

    /// The command line and `serve` share the database: a user added and a token minted while the
    /// service runs work against it at once.
    @Test func commandsWorkWhileTheServiceRuns() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let service = try ServiceProcess(databasePath: db)

        let admin = try runPhoneService([
            "user", "add", "admin@contoso.com", "--db", db, "--role", "globalAdministrator",
        ])
        #expect(admin.status == 0, "\(admin.stderr)")
        let bob = try runPhoneService(["user", "add", "bob@contoso.com", "--db", db])
        #expect(bob.status == 0, "\(bob.stderr)")
        let minted = try runPhoneService([
            "token", "--db", db, "--user", "admin@contoso.com", "--scopes", "UserAuthenticationMethod.ReadWrite.All",
        ])
        #expect(minted.status == 0, "\(minted.stderr)")
        let token = minted.stdout.trimmingCharacters(in: .newlines)
        let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]

        let created = try service.client().request(
            "POST", "/v1.0/users/bob%40contoso.com/authentication/phoneMethods", headers: headers,
            body: Array(#"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#.utf8))
        #expect(created.status == 201, "\(created.text)")
        let listed = try service.client().request(
            "GET", "/v1.0/users/\(bob.stdout.trimmingCharacters(in: .newlines))/authentication/phoneMethods",
            headers: headers)
        #expect((listed.object["value"] as? [Any])?.count == 1)

        // While the service writes, the command line writes too.
        let shared = UncheckedBox(service)
        let writes = try concurrently(2) { side -> [Int] in
            if side == 0 {
                return try (0..<10).map { index in
                    Int(try runPhoneService(["user", "add", "cli\(index)@contoso.com", "--db", db]).status)
                }
            }
            let connection = try shared.value.client()
            return try (0..<40).map { index in
                let body = #"{"phoneNumber":"+1 206555\#(String(format: "%04d", index))","phoneType":"mobile"}"#
                let path = "/v1.0/users/bob%40contoso.com/authentication/phoneMethods/\(PhoneType.mobile.methodID)"
                return try connection.request("PATCH", path, headers: headers, body: Array(body.utf8)).status
            }
        }
        #expect(try writes[0].get() == Array(repeating: 0, count: 10))
        #expect(try writes[1].get() == Array(repeating: 204, count: 40))
        #expect(try Self.list(db).count == 12)

        let removed = try runPhoneService(["user", "remove", "bob@contoso.com", "--db", db])
        #expect(removed.status == 0)
        let gone = try service.client().request(
            "GET", "/v1.0/users/bob%40contoso.com/authentication/phoneMethods", headers: headers)
        #expect(gone.status == 404)
    }
}
