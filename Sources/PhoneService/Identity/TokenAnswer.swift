import Foundation

/// A successful token answer, in v2's shape (numbers) or v1's (strings, with `resource`).
struct TokenAnswer: Sendable {
    var accessToken: String
    /// What the token grants, as v2 lists it; nil for an app-only token (Entra lists none).
    var scopes: [String]?
    var idToken: String?
    var refreshToken: String?
    var clientInfo: String?
    var lifetime = TokenIssuer.defaultLifetime

    func response(_ writer: ResponseWriter, v1Resource: String?) -> HTTPResponse {
        var members: [(key: String, value: JSONValue)] = [("token_type", .string("Bearer"))]
        if let v1Resource {
            let now = Int(Date().timeIntervalSince1970)
            members += [
                ("expires_in", .string(String(lifetime))), ("ext_expires_in", .string(String(lifetime))),
                ("expires_on", .string(String(now + lifetime))), ("not_before", .string(String(now))),
                ("resource", .string(v1Resource)),
            ]
        } else {
            if let scopes { members.append(("scope", .string(scopes.joined(separator: " ")))) }
            members += [
                ("expires_in", .number(Double(lifetime))), ("ext_expires_in", .number(Double(lifetime))),
            ]
        }
        members.append(("access_token", .string(accessToken)))
        if let refreshToken { members.append(("refresh_token", .string(refreshToken))) }
        if let idToken { members.append(("id_token", .string(idToken))) }
        if let clientInfo { members.append(("client_info", .string(clientInfo))) }
        var json = JSONWriter()
        json.value(.object(members))
        var answer = writer.json(status: 200, body: json.bytes, contentType: "application/json; charset=utf-8")
        answer.headers.append(("Pragma", "no-cache"))
        return answer
    }
}
