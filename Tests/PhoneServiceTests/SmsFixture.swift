import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// A server set up for SMS sign-in tests: an administrator who may write anyone's phones, an
/// Authentication Policy Administrator who may change the SMS policy, and helpers that read a
/// phone's `smsSignInState` every way the API shows it.
final class SmsFixture {
    static let versions = ["v1.0", "beta"]
    static let collections = ["phoneMethods", "methods"]
    static let notAllowedMessage =
        "Cannot enable SMS sign-in on phone auth method as the credential policy is not enabled on user"

    let server: TestServer
    let admin: User
    /// Delegated, `UserAuthenticationMethod.ReadWrite.All`, Privileged Authentication Administrator.
    let adminToken: String
    /// Delegated, `Policy.ReadWrite.AuthenticationMethod`, Authentication Policy Administrator.
    let policyToken: String

    init() throws {
        server = try TestServer()
        admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        adminToken = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        let policyAdmin = try server.addUser("policy@contoso.com", roles: [.authenticationPolicyAdministrator])
        policyToken = server.token(for: policyAdmin, scopes: ["Policy.ReadWrite.AuthenticationMethod"])
    }

    var store: PhoneStore { server.store }

    /// Adds `name@contoso.com`.
    func user(_ name: String) throws -> User { try server.addUser("\(name)@contoso.com") }

    /// `/{version}/users/{upn}/authentication/{collection}[/{id}[/{action}]]`, the UPN percent-encoded.
    static func path(
        _ user: User, version: String = "v1.0", collection: String = "phoneMethods", type: PhoneType? = nil,
        action: String? = nil
    ) -> String {
        let upn = user.userPrincipalName.replacingOccurrences(of: "@", with: "%40")
        var path = "/\(version)/users/\(upn)/authentication/\(collection)"
        if let type { path += "/\(type.methodID)" }
        if let action { path += "/\(action)" }
        return path
    }

    /// Creates a phone as the administrator.
    @discardableResult
    func addPhone(_ user: User, _ type: PhoneType, _ number: String, version: String = "v1.0") throws
        -> RawHTTPClient.Response
    {
        try server.send(
            "POST", Self.path(user, version: version), token: adminToken,
            json: #"{"phoneNumber":"\#(number)","phoneType":"\#(type.rawValue)"}"#)
    }

    /// Changes a phone's number as the administrator.
    @discardableResult
    func renumber(_ user: User, _ type: PhoneType, _ number: String, version: String = "v1.0") throws
        -> RawHTTPClient.Response
    {
        try server.send(
            "PATCH", Self.path(user, version: version, type: type), token: adminToken,
            json: #"{"phoneNumber":"\#(number)"}"#)
    }

    /// Deletes a phone as the administrator.
    @discardableResult
    func deletePhone(_ user: User, _ type: PhoneType) throws -> RawHTTPClient.Response {
        try server.send("DELETE", Self.path(user, type: type), token: adminToken)
    }

    /// POSTs a bodiless action the way Microsoft's SDKs do: `Content-Length: 0`, no content type.
    @discardableResult
    func action(
        _ name: String, _ user: User, _ type: PhoneType = .mobile, version: String = "v1.0",
        collection: String = "phoneMethods", token: String? = nil
    ) throws -> RawHTTPClient.Response {
        try server.send(
            "POST", Self.path(user, version: version, collection: collection, type: type, action: name),
            token: token ?? adminToken, headers: [("Content-Length", "0")])
    }

    /// Sets the SMS policy through the store (no token, as the CLI does).
    func setPolicy(
        enabled: Bool = true, include: [SmsPolicy.Target] = [.allUsers], exclude: [SmsPolicy.Target] = []
    ) throws {
        try store.setSmsPolicy(SmsPolicy(enabled: enabled, includeTargets: include, excludeTargets: exclude))
    }

    /// PATCHes the SMS policy over HTTP as the Authentication Policy Administrator.
    @discardableResult
    func patchPolicy(_ members: String, token: String? = nil, version: String = "v1.0") throws
        -> RawHTTPClient.Response
    {
        try server.send(
            "PATCH", "/\(version)/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms",
            token: token ?? policyToken,
            json: ##"{"@odata.type":"#microsoft.graph.smsAuthenticationMethodConfiguration",\##(members)}"##)
    }

    /// A phone's `smsSignInState` read eight ways (list and get, `phoneMethods` and `methods`, v1.0
    /// and beta). Records an issue when a read fails or the reads disagree; nil when the phone is
    /// not there.
    func state(_ user: User, _ type: PhoneType = .mobile, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String?
    {
        var seen: [String?] = []
        for version in Self.versions {
            for collection in Self.collections {
                let list = try server.send(
                    "GET", Self.path(user, version: version, collection: collection), token: adminToken)
                #expect(list.status == 200, "list \(version) \(collection)", sourceLocation: sourceLocation)
                let items = list.object["value"] as? [[String: Any]] ?? []
                seen.append(items.first { $0["id"] as? String == type.methodID }?["smsSignInState"] as? String)
                let get = try server.send(
                    "GET", Self.path(user, version: version, collection: collection, type: type), token: adminToken)
                if get.status == 404 {
                    seen.append(nil)
                } else {
                    #expect(get.status == 200, "get \(version) \(collection)", sourceLocation: sourceLocation)
                    seen.append(get.object["smsSignInState"] as? String)
                }
            }
        }
        if Set(seen.map { $0 ?? "(absent)" }).count != 1 {
            Issue.record(
                "the reads of \(user.userPrincipalName)'s \(type) disagree: \(seen)", sourceLocation: sourceLocation)
        }
        return seen.first ?? nil
    }

    /// The phone's number, as the administrator reads it.
    func number(_ user: User, _ type: PhoneType = .mobile) throws -> String? {
        try server.send("GET", Self.path(user, type: type), token: adminToken).object["phoneNumber"] as? String
    }

    /// How many users hold `number` for SMS sign-in, counted in the database.
    func holders(of number: String) throws -> Int {
        let count = try store.read { db in
            try db.scalarInt(
                "SELECT count(*) FROM sms_sign_in WHERE status = 'registered' AND phone_number = ?", [.text(number)])
        }
        return Int(count ?? 0)
    }

    /// The most users holding one number for SMS sign-in: never more than 1.
    func mostHoldersOfOneNumber() throws -> Int {
        let most = try store.read { db in
            try db.scalarInt(
                """
                SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM sms_sign_in
                WHERE status = 'registered' GROUP BY phone_number)
                """)
        }
        return Int(most ?? 0)
    }
}
