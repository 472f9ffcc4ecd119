import Foundation
import Testing

@testable import PhoneService

@Test func createsAndListsAPhoneOverHTTP() throws {
    let server = try TestServer()
    let admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
    try server.addUser("alice@contoso.com")
    let token = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
    let created = try server.send(
        "POST", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", token: token,
        json: #"{"phoneNumber":"+1 2065555555","phoneType":"mobile"}"#)
    #expect(created.status == 201)
    #expect(created.object["phoneType"] as? String == "mobile")
    let list = try server.send("GET", "/v1.0/users/alice%40contoso.com/authentication/phoneMethods", token: token)
    #expect(list.status == 200)
    #expect((list.object["value"] as? [Any])?.count == 1)
}
