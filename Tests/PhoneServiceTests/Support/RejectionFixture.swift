import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// A server with one user, alice, and an administrator's token, for sending requests that must be
/// refused. `expectRejected` checks the whole contract of a refusal: the status, Graph's error
/// envelope with the code and a message that says what is wrong, nothing written to the database,
/// and the keep-alive connection still answering the next request.
final class RejectionFixture {
    static let collection = "/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
    static let mobilePath = collection + "/" + PhoneType.mobile.methodID
    static let validCreate = #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#
    static let seededNumber = "+1 2065550100"

    let server: TestServer
    let alice: User
    let token: String

    /// With `mobile`, alice starts with a mobile phone (for updates), else with no phone at all.
    init(mobile: Bool = false) throws {
        // Without a journal: "nothing written" is checked by counting commits, and a refusal's
        // journal row would be one, flushed by a timer at a time the test cannot know.
        server = try TestServer(journal: .off)
        let admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        alice = try server.addUser("alice@contoso.com")
        token = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
        if mobile {
            _ = try server.store.createPhoneMethod(userID: alice.id, type: .mobile, number: Self.seededNumber)
        }
    }

    var authorization: (String, String) { ("Authorization", "Bearer \(token)") }
    var json: (String, String) { ("Content-Type", "application/json") }

    /// `PRAGMA data_version` on a connection of its own: it changes when any other connection
    /// commits, so an unchanged value means the request committed nothing at all.
    func dataVersion(_ connection: Database) throws -> Int64 {
        try connection.scalarInt("PRAGMA data_version") ?? -1
    }

    /// Sends one request on a fresh connection and checks that it was refused with `status` and
    /// `code`, a message containing each of `messageContains`, that nothing was written, and that
    /// the same connection then answers a list request. Returns the refusal.
    @discardableResult
    func expectRejected(
        _ method: String, _ path: String = collection, headers: [(String, String)]? = nil, body: [UInt8]?,
        status: Int, code: String, messageContains: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RawHTTPClient.Response {
        let observer = try Database(path: server.databasePath, readOnly: true)
        let versionBefore = try dataVersion(observer)
        let before = try server.store.phoneMethods(userID: alice.id)

        let client = try server.client()
        let response = try client.request(method, path, headers: headers ?? [authorization, json], body: body)
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == code, "\(response.text)", sourceLocation: sourceLocation)
        #expect(
            response.headers["content-type"]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let message = response.errorMessage ?? ""
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        for fragment in messageContains {
            #expect(message.contains(fragment), "message: \(message)", sourceLocation: sourceLocation)
        }
        let inner = (response.object["error"] as? [String: Any])?["innerError"] as? [String: Any]
        #expect((inner?["date"] as? String)?.hasSuffix("Z") == true, sourceLocation: sourceLocation)
        #expect(inner?["request-id"] as? String == response.headers["request-id"], sourceLocation: sourceLocation)

        let next = try client.request("GET", Self.collection, headers: [authorization])
        #expect(next.status == 200, "the connection should still answer: \(next.text)", sourceLocation: sourceLocation)

        #expect(try server.store.phoneMethods(userID: alice.id) == before, sourceLocation: sourceLocation)
        #expect(try dataVersion(observer) == versionBefore, "something was committed", sourceLocation: sourceLocation)
        return response
    }

    /// The same for a JSON body given as text.
    @discardableResult
    func expectRejected(
        _ method: String, _ path: String = collection, headers: [(String, String)]? = nil, json body: String,
        status: Int = 400, code: String = "badRequest", messageContains: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RawHTTPClient.Response {
        try expectRejected(
            method, path, headers: headers, body: Array(body.utf8), status: status, code: code,
            messageContains: messageContains, sourceLocation: sourceLocation)
    }
}
