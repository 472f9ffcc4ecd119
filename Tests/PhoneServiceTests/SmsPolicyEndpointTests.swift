import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

// GET and PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms
// (spec §1 row 9, §5): the shape, updates, bad bodies and permissions.

private let smsPolicyPath = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms"
private let smsConfigurationType = "#microsoft.graph.smsAuthenticationMethodConfiguration"

private func getSmsPolicy(_ f: SmsFixture, version: String = "v1.0", token: String? = nil) throws
    -> RawHTTPClient.Response
{
    try f.server.send("GET", "/\(version)\(smsPolicyPath)", token: token ?? f.policyToken)
}

/// PATCHes `body` as it is (no `@odata.type` added).
private func patchSmsPolicyRaw(
    _ f: SmsFixture, _ body: String, token: String? = nil, headers: [(String, String)] = []
) throws -> RawHTTPClient.Response {
    try f.server.send("PATCH", "/v1.0\(smsPolicyPath)", token: token ?? f.policyToken, json: body, headers: headers)
}

/// Expects a 400 `badRequest` that leaves the stored policy as it was.
private func expectSmsPolicyRefused(
    _ f: SmsFixture, _ response: RawHTTPClient.Response, mentioning text: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let before = try f.store.smsPolicy()
    #expect(response.status == 400, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.errorCode == "badRequest", sourceLocation: sourceLocation)
    if let text {
        #expect(response.errorMessage?.contains(text) == true, "\(response.text)", sourceLocation: sourceLocation)
    }
    #expect(try f.store.smsPolicy() == before, sourceLocation: sourceLocation)
}

struct SmsPolicyEndpointTests {
    @Test(arguments: SmsFixture.versions)
    func aNewTenantsSmsPolicyIsDisabledWithNoTargets(version: String) throws {
        let f = try SmsFixture()
        let response = try getSmsPolicy(f, version: version)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("application/json;odata.metadata=minimal") == true)
        let body = response.object
        #expect(
            Set(body.keys) == ["@odata.context", "@odata.type", "id", "state", "excludeTargets", "includeTargets"])
        #expect(
            body["@odata.context"] as? String
                == "https://graph.microsoft.com/\(version)/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity"
        )
        #expect(body["@odata.type"] as? String == smsConfigurationType)
        #expect(body["id"] as? String == "Sms")
        #expect(body["state"] as? String == "disabled")
        #expect((body["includeTargets"] as? [Any])?.isEmpty == true)
        #expect((body["excludeTargets"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: SmsFixture.versions)
    func aPatchAnswers204AndReadsBack(version: String) throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let pilots = try f.store.addGroup(displayName: "Pilots")
        let contractors = try f.store.addGroup(displayName: "Contractors")
        let body = """
            "id":"Sms","state":"enabled",
            "includeTargets":[
              {"@odata.type":"#microsoft.graph.smsAuthenticationMethodTarget","targetType":"group","id":"all_users",
               "isRegistrationRequired":false,"isUsableForSignIn":true},
              {"targetType":"group","id":"\(pilots.id.uppercased())","isUsableForSignIn":false},
              {"targetType":"user","id":"\(alice.id)","isRegistrationRequired":true}],
            "excludeTargets":[{"@odata.type":"#microsoft.graph.excludeTarget","targetType":"group","id":"\(contractors.id)"}]
            """
        let patched = try f.patchPolicy(body, version: version)
        #expect(patched.status == 204, "\(patched.text)")
        #expect(patched.body.isEmpty)

        let read = try getSmsPolicy(f, version: version).object
        #expect(read["state"] as? String == "enabled")
        let includes = read["includeTargets"] as? [[String: Any]] ?? []
        #expect(includes.count == 3)
        for include in includes {
            #expect(Set(include.keys) == ["targetType", "id", "isRegistrationRequired", "isUsableForSignIn"])
        }
        let byID = Dictionary(includes.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID["all_users"]?["targetType"] as? String == "group")
        #expect(byID["all_users"]?["isUsableForSignIn"] as? Bool == true)
        #expect(byID[pilots.id]?["isUsableForSignIn"] as? Bool == false)
        #expect(byID[alice.id]?["targetType"] as? String == "user")
        #expect(byID[alice.id]?["isRegistrationRequired"] as? Bool == true)
        #expect(byID[alice.id]?["isUsableForSignIn"] as? Bool == true)
        let excludes = read["excludeTargets"] as? [[String: Any]] ?? []
        #expect(excludes.count == 1)
        #expect(excludes.first?["targetType"] as? String == "group")
        #expect(excludes.first?["id"] as? String == contractors.id)

        // Left-out properties keep their values; a sent list replaces the old one.
        #expect(try f.patchPolicy(#""state":"disabled""#).status == 204)
        let disabled = try getSmsPolicy(f).object
        #expect(disabled["state"] as? String == "disabled")
        #expect((disabled["includeTargets"] as? [Any])?.count == 3)
        #expect(try f.patchPolicy(#""excludeTargets":[]"#).status == 204)
        #expect((try getSmsPolicy(f).object["excludeTargets"] as? [Any])?.isEmpty == true)
        #expect((try getSmsPolicy(f).object["includeTargets"] as? [Any])?.count == 3)
    }

    @Test func aPatchMustCarryTheConfigurationsODataType() throws {
        let f = try SmsFixture()
        try expectSmsPolicyRefused(
            f, try patchSmsPolicyRaw(f, #"{"state":"enabled"}"#), mentioning: smsConfigurationType)
        try expectSmsPolicyRefused(
            f,
            try patchSmsPolicyRaw(
                f, ##"{"@odata.type":"#microsoft.graph.fido2AuthenticationMethodConfiguration","state":"enabled"}"##),
            mentioning: smsConfigurationType)
        try expectSmsPolicyRefused(f, try patchSmsPolicyRaw(f, #"{"@odata.type":null,"state":"enabled"}"#))
        try expectSmsPolicyRefused(
            f, try patchSmsPolicyRaw(f, ##"{"@odata.type":"#Microsoft.Graph.SmsAuthenticationMethodConfiguration"}"##))
        #expect(try f.store.smsPolicy().enabled == false)
    }

    @Test func aPatchRefusesUnknownAndReadOnlyProperties() throws {
        let f = try SmsFixture()
        try expectSmsPolicyRefused(
            f, try f.patchPolicy(#""state":"enabled","isSoftwareOathEnabled":true"#),
            mentioning: "isSoftwareOathEnabled")
        try expectSmsPolicyRefused(f, try f.patchPolicy(#""State":"enabled""#), mentioning: "State")
        try expectSmsPolicyRefused(f, try f.patchPolicy(#""id":"Fido2","state":"enabled""#), mentioning: "id")
        try expectSmsPolicyRefused(
            f, try f.patchPolicy(#""includeTargets":[{"targetType":"group","id":"all_users","colour":"blue"}]"#),
            mentioning: "colour")
        try expectSmsPolicyRefused(
            f,
            try f.patchPolicy(#""excludeTargets":[{"targetType":"group","id":"all_users","isUsableForSignIn":true}]"#),
            mentioning: "isUsableForSignIn")
    }

    @Test(arguments: [#""enabled ""#, #""Enabled""#, #""on""#, "true", "1", "null", #""""#])
    func aPatchRefusesABadState(state: String) throws {
        let f = try SmsFixture()
        try expectSmsPolicyRefused(f, try f.patchPolicy(#""state":\#(state)"#), mentioning: "state")
    }

    @Test(arguments: [
        #""includeTargets":{"targetType":"group","id":"all_users"}"#,
        #""includeTargets":["all_users"]"#,
        #""includeTargets":[{"targetType":"group"}]"#,
        #""includeTargets":[{"id":"all_users"}]"#,
        #""includeTargets":[{"targetType":"group","id":""}]"#,
        #""includeTargets":[{"targetType":"device","id":"all_users"}]"#,
        #""includeTargets":[{"targetType":"group","id":"all_users","isUsableForSignIn":"yes"}]"#,
        ##""includeTargets":[{"@odata.type":"#microsoft.graph.excludeTarget","targetType":"group","id":"all_users"}]"##,
        #""includeTargets":null"#,
    ])
    func aPatchRefusesMalformedTargets(members: String) throws {
        let f = try SmsFixture()
        try expectSmsPolicyRefused(f, try f.patchPolicy(#""state":"enabled",\#(members)"#))
    }

    @Test func aPatchRefusesTargetsOutsideTheDirectoryAndChangesNothing() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let pilots = try f.store.addGroup(displayName: "Pilots")
        #expect(try f.patchPolicy(#""includeTargets":[{"targetType":"group","id":"all_users"}]"#).status == 204)
        let unknown = "11111111-2222-3333-4444-555555555555"
        let refused = [
            #""state":"enabled","includeTargets":[{"targetType":"user","id":"\#(unknown)"}]"#,
            #""state":"enabled","includeTargets":[{"targetType":"group","id":"\#(unknown)"}]"#,
            #""state":"enabled","excludeTargets":[{"targetType":"user","id":"\#(unknown)"}]"#,
            #""state":"enabled","excludeTargets":[{"targetType":"group","id":"\#(unknown)"}]"#,
            // The right id with the wrong type, and names instead of object ids.
            #""state":"enabled","includeTargets":[{"targetType":"group","id":"\#(alice.id)"}]"#,
            #""state":"enabled","includeTargets":[{"targetType":"user","id":"\#(pilots.id)"}]"#,
            #""state":"enabled","includeTargets":[{"targetType":"user","id":"alice@contoso.com"}]"#,
            #""state":"enabled","includeTargets":[{"targetType":"group","id":"Pilots"}]"#,
            #""state":"enabled","includeTargets":[{"targetType":"user","id":"all_users"}]"#,
            #""state":"enabled","excludeTargets":[{"targetType":"user","id":"all_users"}]"#,
        ]
        for body in refused {
            try expectSmsPolicyRefused(f, try f.patchPolicy(body))
        }
        let policy = try f.store.smsPolicy()
        #expect(policy.enabled == false)
        #expect(policy.includeTargets == [.allUsers])
        #expect(policy.excludeTargets.isEmpty)
    }

    @Test func aGroupTargetIsTheGroupWithThatIDEvenWhenAnotherIsNamedLikeIt() throws {
        let f = try SmsFixture()
        let alice = try f.user("alice")
        let pilots = try f.store.addGroup(displayName: "Pilots")
        let impostor = try f.store.addGroup(displayName: pilots.id)
        try f.store.addGroupMember(group: pilots.id, user: alice.id)
        try f.addPhone(alice, .mobile, "+1 2065550100")
        let include = #""state":"enabled","includeTargets":[{"targetType":"group","id":"\#(pilots.id)"}]"#
        #expect(try f.patchPolicy(include).status == 204)
        #expect(try f.store.smsPolicy().includeTargets.map(\.id) == [pilots.id])
        #expect(try f.state(alice) == "notConfigured")
        #expect(try f.store.group(key: impostor.id)?.memberIDs == [])
    }

    @Test func aPatchRefusesBodiesThatAreNotAJSONObject() throws {
        let f = try SmsFixture()
        try expectSmsPolicyRefused(
            f, try patchSmsPolicyRaw(f, #"{"@odata.type":"\#(smsConfigurationType)","state":"enabled""#))
        try expectSmsPolicyRefused(
            f, try patchSmsPolicyRaw(f, #"{"@odata.type":"\#(smsConfigurationType)","state":"enabled",}"#))
        try expectSmsPolicyRefused(f, try patchSmsPolicyRaw(f, #"[{"@odata.type":"\#(smsConfigurationType)"}]"#))
        try expectSmsPolicyRefused(f, try patchSmsPolicyRaw(f, "null"))
        try expectSmsPolicyRefused(f, try patchSmsPolicyRaw(f, ""))
        let noBody = try f.server.send(
            "PATCH", "/v1.0\(smsPolicyPath)", token: f.policyToken, headers: [("Content-Length", "0")])
        try expectSmsPolicyRefused(f, noBody)

        let wrongType = try patchSmsPolicyRaw(
            f, #"{"@odata.type":"\#(smsConfigurationType)","state":"enabled"}"#,
            headers: [("Content-Type", "text/plain")])
        #expect(wrongType.status == 415)
        #expect(wrongType.errorCode == "unsupportedMediaType")
        let withCharset = try patchSmsPolicyRaw(
            f, #"{"@odata.type":"\#(smsConfigurationType)","state":"enabled"}"#,
            headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(withCharset.status == 204)
        #expect(try f.store.smsPolicy().enabled)
    }

    @Test func otherMethodsOnThePolicyAre405() throws {
        let f = try SmsFixture()
        for method in ["POST", "PUT", "DELETE"] {
            let response = try f.server.send(method, "/beta\(smsPolicyPath)", token: f.policyToken, json: "{}")
            #expect(response.status == 405)
            #expect(response.headers["allow"] == "GET, PATCH")
        }
    }

    // MARK: - permissions

    @Test func readingThePolicyNeedsAPolicyPermission() throws {
        let f = try SmsFixture()
        let reader = try f.user("reader")
        let allowed = [
            f.server.token(for: reader, scopes: ["Policy.Read.All"]),
            f.server.token(for: reader, scopes: ["Policy.ReadWrite.AuthenticationMethod"]),
            f.server.appToken(roles: ["Policy.Read.All"]),
            f.server.appToken(roles: ["Policy.ReadWrite.AuthenticationMethod"]),
        ]
        for token in allowed {
            for version in SmsFixture.versions {
                #expect(try getSmsPolicy(f, version: version, token: token).status == 200)
            }
        }
        let refused = [
            f.server.token(for: f.admin, scopes: ["UserAuthenticationMethod.ReadWrite.All", "User.Read"]),
            f.server.appToken(roles: ["UserAuthenticationMethod.ReadWrite.All"]),
        ]
        for token in refused {
            let response = try getSmsPolicy(f, token: token)
            #expect(response.status == 403)
            #expect(response.errorCode == "accessDenied")
        }
        let anonymous = try f.server.send("GET", "/v1.0\(smsPolicyPath)", token: nil)
        #expect(anonymous.status == 401)
        #expect(anonymous.errorCode == "InvalidAuthenticationToken")
    }

    @Test func updatingThePolicyNeedsTheWritePermissionAndAPolicyRole() throws {
        let f = try SmsFixture()
        let global = try f.server.addUser("global@contoso.com", roles: [.globalAdministrator])
        let policyAdmin = try f.server.addUser("authpolicy@contoso.com", roles: [.authenticationPolicyAdministrator])
        let privileged = try f.server.addUser("pam@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        let authAdmin = try f.server.addUser("authadmin@contoso.com", roles: [.authenticationAdministrator])
        let plain = try f.user("plain")
        let write = ["Policy.ReadWrite.AuthenticationMethod"]
        let allowed = [
            f.server.token(for: global, scopes: write),
            f.server.token(for: policyAdmin, scopes: write),
            f.server.appToken(roles: write),
        ]
        for (index, token) in allowed.enumerated() {
            let state = index % 2 == 0 ? "enabled" : "disabled"
            #expect(try f.patchPolicy(#""state":"\#(state)""#, token: token).status == 204)
            #expect(try f.store.smsPolicy().enabled == (state == "enabled"))
        }
        let before = try f.store.smsPolicy()
        let refused = [
            f.server.token(for: privileged, scopes: write),
            f.server.token(for: authAdmin, scopes: write),
            f.server.token(for: plain, scopes: write),
            f.server.token(for: global, scopes: ["Policy.Read.All"]),
            f.server.token(for: global, scopes: ["UserAuthenticationMethod.ReadWrite.All"]),
            f.server.appToken(roles: ["Policy.Read.All"]),
        ]
        for token in refused {
            let response = try f.patchPolicy(#""state":"\#(before.enabled ? "disabled" : "enabled")""#, token: token)
            #expect(response.status == 403)
            #expect(response.errorCode == "accessDenied")
        }
        #expect(try f.store.smsPolicy() == before)
    }
}
