import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

// enableSmsSignIn and disableSmsSignIn (spec §1 rows 6 and 7, §3): every spelling of the path,
// every precondition of enable, and who may call them.

struct SmsSignInActionTests {
    @Test(arguments: SmsFixture.versions, SmsFixture.collections)
    func actionsAnswer204WithNoBodyOnEverySpelling(version: String, collection: String) throws {
        for qualified in [false, true] {
            let f = try SmsFixture()
            let alice = try f.user("alice")
            try f.addPhone(alice, .mobile, "+1 2065550100")
            try f.setPolicy()
            let prefix = qualified ? "microsoft.graph." : ""
            let enabled = try f.action(prefix + "enableSmsSignIn", alice, version: version, collection: collection)
            #expect(enabled.status == 204, "\(version) \(collection) \(prefix)")
            #expect(enabled.body.isEmpty)
            #expect(enabled.headers["request-id"] != nil)
            #expect(try f.state(alice) == "ready")
            let disabled = try f.action(prefix + "disableSmsSignIn", alice, version: version, collection: collection)
            #expect(disabled.status == 204, "\(version) \(collection) \(prefix)")
            #expect(disabled.body.isEmpty)
            #expect(try f.state(alice) == "notEnabled")
        }
    }

    @Test func anActionWithoutContentLengthOrWithAnEmptyJSONBodyWorksToo() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        let path = SmsFixture.path(alice, type: .mobile, action: "enableSmsSignIn")
        // curl -X POST sends neither a body nor Content-Length.
        #expect(try f.server.send("POST", path, token: f.adminToken).status == 204)
        #expect(try f.state(alice) == "ready")
        let disable = SmsFixture.path(alice, version: "beta", type: .mobile, action: "disableSmsSignIn")
        #expect(try f.server.send("POST", disable, token: f.adminToken, json: "{}").status == 204)
        #expect(try f.state(alice) == "notEnabled")
    }

    @Test func actionNamesAreMatchedWithoutRegardToCase() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        #expect(try f.action("Microsoft.Graph.EnableSmsSignIn", alice).status == 204)
        #expect(try f.action("other.namespace.enableSmsSignIn", alice).status == 400)
        #expect(try f.action("enableSms", alice).status == 400)
    }

    @Test(arguments: SmsFixture.versions, SmsFixture.collections)
    func actionsRefuseOtherMethodsWithAllowPOST(version: String, collection: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        for action in ["enableSmsSignIn", "microsoft.graph.disableSmsSignIn"] {
            let path = SmsFixture.path(alice, version: version, collection: collection, type: .mobile, action: action)
            for method in ["GET", "PATCH", "PUT", "DELETE"] {
                let json = method == "PATCH" || method == "PUT" ? "{}" : nil
                let response = try f.server.send(method, path, token: f.adminToken, json: json)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.headers["allow"] == "POST", "\(method) \(path)")
                #expect(response.errorCode == "Request_BadRequest")
            }
        }
        #expect(try f.state(alice) == "notAllowedByPolicy")
    }

    // MARK: - preconditions of enable

    @Test(arguments: [PhoneType.alternateMobile, .office])
    func enableAndDisableRefuseOtherTypes(type: PhoneType) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(alice, type, "+1 2065550101")
        for version in SmsFixture.versions {
            for name in ["enableSmsSignIn", "disableSmsSignIn"] {
                let response = try f.action(name, alice, type, version: version)
                #expect(response.status == 400, "\(name) \(version)")
                #expect(response.errorCode == "badRequest")
                #expect(response.errorMessage?.contains(type.rawValue) == true)
            }
        }
        #expect(try f.state(alice, type) == "notSupported")
        #expect(try f.state(alice) == "ready")
    }

    @Test func enableRefusesAUserOutsideThePolicy() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        let outside: [SmsPolicy] = [
            SmsPolicy(enabled: false, includeTargets: [.allUsers]),
            SmsPolicy(enabled: true, includeTargets: [SmsPolicy.Target(kind: .user, id: bob.id)]),
            SmsPolicy(
                enabled: true, includeTargets: [.allUsers],
                excludeTargets: [SmsPolicy.Target(kind: .user, id: alice.id)]),
            SmsPolicy(
                enabled: true,
                includeTargets: [SmsPolicy.Target(kind: .group, id: "all_users", isUsableForSignIn: false)]),
        ]
        for policy in outside {
            try f.store.setSmsPolicy(policy)
            for version in SmsFixture.versions {
                let response = try f.action("enableSmsSignIn", alice, version: version, collection: "methods")
                #expect(response.status == 400, "\(policy)")
                #expect(response.errorCode == "badRequest")
                #expect(response.errorMessage == SmsFixture.notAllowedMessage, "\(policy)")
            }
            #expect(try f.state(alice) == "notAllowedByPolicy")
            #expect(try f.holders(of: "+1 2065550100") == 0)
        }
    }

    @Test func enableRefusesANumberAnotherUserHolds() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let bob = try f.user("bob")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.addPhone(bob, .mobile, "+1 2065550100")
        try f.setPolicy()
        #expect(try f.action("enableSmsSignIn", alice).status == 204)
        #expect(try f.state(bob) == "phoneNumberNotUnique")
        for version in SmsFixture.versions {
            let response = try f.action("enableSmsSignIn", bob, version: version)
            #expect(response.status == 409)
            #expect(response.errorCode == "phoneNumberNotUnique")
        }
        #expect(try f.state(bob) == "phoneNumberNotUnique")
        #expect(try f.state(alice) == "ready")
        // A disabled mark does not let Bob take the number either.
        #expect(try f.action("disableSmsSignIn", bob).status == 204)
        #expect(try f.state(bob) == "notEnabled")
        #expect(try f.action("enableSmsSignIn", bob).status == 409)
        #expect(try f.state(bob) == "notEnabled")
        #expect(try f.mostHoldersOfOneNumber() == 1)
    }

    @Test func actionsOnAMissingMethodAre404ItemNotFound() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.setPolicy()
        for name in ["enableSmsSignIn", "disableSmsSignIn"] {
            // No mobile yet; no such alternateMobile; an id that is no phone method at all.
            for type in [PhoneType.mobile, .alternateMobile] {
                let response = try f.action(name, alice, type)
                #expect(response.status == 404, "\(name) \(type)")
                #expect(response.errorCode == "itemNotFound")
            }
            let unknownID = "00000000-0000-0000-0000-000000000001"
            let upn = "alice%40contoso.com"
            let response = try f.server.send(
                "POST", "/beta/users/\(upn)/authentication/methods/\(unknownID)/\(name)", token: f.adminToken,
                headers: [("Content-Length", "0")])
            #expect(response.status == 404)
            #expect(response.errorCode == "itemNotFound")
            #expect(response.errorMessage?.contains(unknownID) == true)
        }
    }

    @Test func actionsOnAnUnknownUserAre404() throws {
        let f = try SmsFixture()
        try f.setPolicy()
        for name in ["enableSmsSignIn", "disableSmsSignIn"] {
            for key in ["nobody%40contoso.com", "00000000-0000-0000-0000-00000000abcd"] {
                let response = try f.server.send(
                    "POST", "/v1.0/users/\(key)/authentication/phoneMethods/\(PhoneType.mobile.methodID)/\(name)",
                    token: f.adminToken, headers: [("Content-Length", "0")])
                #expect(response.status == 404)
                #expect(response.errorCode == "Request_ResourceNotFound")
            }
        }
    }

    // MARK: - permissions

    @Test(arguments: ["UserAuthMethod-Phone.ReadWrite", "UserAuthenticationMethod.ReadWrite"])
    func aUserMayEnableAndDisableTheirOwnMobile(scope: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        let token = f.server.token(for: alice, scopes: [scope])
        #expect(try f.action("enableSmsSignIn", alice, token: token).status == 204)
        #expect(try f.state(alice) == "ready")
        let me = "/beta/me/authentication/methods/\(PhoneType.mobile.methodID)/disableSmsSignIn"
        #expect(try f.server.send("POST", me, token: token, headers: [("Content-Length", "0")]).status == 204)
        #expect(try f.state(alice) == "notEnabled")
    }

    @Test(arguments: [["UserAuthMethod-Phone.Read"], ["UserAuthenticationMethod.Read"], ["User.Read"]])
    func readScopesMayNotEnableOrDisable(scopes: [String]) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        let token = f.server.token(for: alice, scopes: scopes)
        for name in ["enableSmsSignIn", "disableSmsSignIn"] {
            let response = try f.action(name, alice, token: token)
            #expect(response.status == 403)
            #expect(response.errorCode == "accessDenied")
        }
        #expect(try f.state(alice) == "notConfigured")
    }

    @Test func administratorsMayEnableAnotherUsersMobile() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        try f.addPhone(alice, .mobile, "+1 2065550100")
        try f.setPolicy()
        let global = try f.server.addUser("global@contoso.com", roles: [.globalAdministrator])
        let authAdmin = try f.server.addUser("authadmin@contoso.com", roles: [.authenticationAdministrator])
        let allowed = [
            f.server.token(for: global, scopes: ["UserAuthMethod-Phone.ReadWrite.All"]),
            f.server.token(for: authAdmin, scopes: ["UserAuthenticationMethod.ReadWrite.All"]),
            f.server.appToken(roles: ["UserAuthMethod-Phone.ReadWrite.All"]),
        ]
        for token in allowed {
            #expect(try f.action("disableSmsSignIn", alice, token: token).status == 204)
            #expect(try f.action("enableSmsSignIn", alice, token: token).status == 204)
        }
        let reader = try f.server.addUser("reader@contoso.com", roles: [.globalReader])
        let plain = try f.user("carol")
        let refused = [
            // .All without a role, a reader's role, a self scope on another user, read-only roles.
            f.server.token(for: plain, scopes: ["UserAuthenticationMethod.ReadWrite.All"]),
            f.server.token(for: reader, scopes: ["UserAuthenticationMethod.ReadWrite.All"]),
            f.server.token(for: global, scopes: ["UserAuthenticationMethod.ReadWrite"]),
            f.server.token(for: global, scopes: ["UserAuthenticationMethod.Read.All"]),
            f.server.appToken(roles: ["UserAuthenticationMethod.Read.All"]),
        ]
        for token in refused {
            let response = try f.action("disableSmsSignIn", alice, token: token)
            #expect(response.status == 403)
            #expect(response.errorCode == "accessDenied")
        }
        #expect(try f.state(alice) == "ready")
        #expect(try f.action("enableSmsSignIn", alice, token: nil).status == 204)
        let anonymous = try f.server.send(
            "POST", SmsFixture.path(alice, type: .mobile, action: "disableSmsSignIn"), token: nil,
            headers: [("Content-Length", "0")])
        #expect(anonymous.status == 401)
    }
}
