import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import PhoneService
@testable import PhoneStore

/// What the conformance tests compare against: the contract's literals, written out here rather
/// than read from the service, so that a change in the service fails a test.
enum Contract {
    static let odataContentType =
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
    static let errorContentType = "application/json"
    static let phoneODataType = "#microsoft.graph.phoneAuthenticationMethod"

    static func methodID(_ type: PhoneType) -> String {
        switch type {
        case .mobile: "3179e48a-750b-4051-897c-87b9720928f7"
        case .alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41"
        case .office: "e37fc753-ff3b-4958-9484-eaa9425c82bc"
        }
    }

    static func smsSignInState(_ type: PhoneType) -> String {
        type == .mobile ? "notAllowedByPolicy" : "notSupported"
    }

    /// `https://graph.microsoft.com/{version}/$metadata#`
    static func metadata(_ version: APIVersion) -> String {
        "https://graph.microsoft.com/\(version.rawValue)/$metadata#"
    }

    static let emptyToken = "Access token is empty."
    static let notAJWT = "CompactToken parsing failed with error code: 80049217"
    static let validationFailure = "Access token validation failure."
    static let lifetime = "Lifetime validation failed, the token is expired."
    static let meNeedsDelegated = "/me request is only valid with delegated authentication flow."
    static let methodNotAllowed = "Specified HTTP method is not allowed for the request target."

    static func userNotFound(_ key: String) -> String {
        "Resource '\(key)' does not exist or one of its queried reference-property objects are not present."
    }

    static let graphAudiences = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]
}

/// The versions every endpoint is served under.
let bothVersions: [APIVersion] = [.v1, .beta]

/// A fresh server with a Privileged Authentication Administrator (`admin`) who may do anything to
/// anyone, and a plain user, `alice`.
struct PhoneFixture {
    let server: TestServer
    let admin: User
    let alice: User
    let adminToken: String

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
        admin = try server.addUser("admin@contoso.com", roles: [.privilegedAuthenticationAdministrator])
        alice = try server.addUser("alice@contoso.com")
        adminToken = server.token(for: admin, scopes: ["UserAuthenticationMethod.ReadWrite.All"])
    }

    /// Adds a phone straight into the store.
    @discardableResult
    func addPhone(_ type: PhoneType, _ number: String, to user: User? = nil) throws -> PhoneMethod {
        try server.store.createPhoneMethod(userID: (user ?? alice).id, type: type, number: number)
    }

    func send(
        _ method: String, _ path: String, token: String? = nil, json: String? = nil, headers: [(String, String)] = []
    ) throws -> RawHTTPClient.Response {
        try server.send(method, path, token: token ?? adminToken, json: json, headers: headers)
    }
}

/// `/{version}/{user}/authentication/{collection}[/{id}]`, where `user` is `me` or `users/{key}`.
func methodsPath(
    _ version: APIVersion, _ user: String, _ collection: String = "phoneMethods", id: String? = nil
) -> String {
    var path = "/\(version.rawValue)/\(user)/authentication/\(collection)"
    if let id { path += "/\(id)" }
    return path
}

func phoneBody(_ number: String, _ type: PhoneType? = nil) -> String {
    if let type { return #"{"phoneNumber":"\#(number)","phoneType":"\#(type.rawValue)"}"# }
    return #"{"phoneNumber":"\#(number)"}"#
}

extension RawHTTPClient.Response {
    /// The top-level property names.
    var keys: Set<String> { Set(object.keys) }

    /// The items of a collection.
    var items: [[String: Any]] { object["value"] as? [[String: Any]] ?? [] }

    /// `error.innerError`.
    var innerError: [String: Any] { (object["error"] as? [String: Any])?["innerError"] as? [String: Any] ?? [:] }

    func string(_ key: String) -> String? { object[key] as? String }
}

/// An entity's properties as comparable values: strings as themselves, JSON null as nil, anything
/// else as a marker that matches no expectation.
func fields(_ object: [String: Any]) -> [String: String?] {
    object.mapValues { value -> String? in
        if let text = value as? String { return text }
        if value is NSNull { return nil }
        return "<\(type(of: value)): \(value)>"
    }
}

/// A lower-case GUID, as Graph writes request ids.
func isGUID(_ text: String?) -> Bool {
    guard let text else { return false }
    return text.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/#) != nil
}

/// ISO 8601 UTC with whole seconds and `Z`, within a minute of now.
func isRecentISO8601UTC(_ text: String?) -> Bool {
    guard let text, text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/#) != nil else { return false }
    guard let date = ISO8601DateFormatter().date(from: text) else { return false }
    return abs(date.timeIntervalSinceNow) < 60
}

/// Builds tokens by hand for the token tests: claims as `JSONValue`, any header, signed RS256 with
/// the tenant's current key (or another key).
struct TokenForge {
    let tenant: Tenant
    let key: SigningKey
    let now = Date().timeIntervalSince1970.rounded(.down)

    init(store: PhoneStore) throws {
        _ = TestKeys.install
        key = try KeyRing.shared.currentKey(of: store)
        tenant = store.tenant
    }

    /// An RSA key no tenant has, made once per test process.
    static let otherKey: SigningKey? = try? SigningKey(SigningKey.make())

    /// Claims of a valid delegated token for `user`, which a test then breaks one at a time.
    func delegatedClaims(
        user: User, scopes: String = "UserAuthenticationMethod.Read", audience: String = "https://graph.microsoft.com"
    ) -> [(key: String, value: JSONValue)] {
        [
            ("aud", .string(audience)),
            ("iss", .string("https://sts.windows.net/\(tenant.id)/")),
            ("iat", .number(now)),
            ("nbf", .number(now)),
            ("exp", .number(now + 3600)),
            ("appid", .string(TokenIssuer.defaultAppID)),
            ("tid", .string(tenant.id)),
            ("oid", .string(user.id)),
            ("scp", .string(scopes)),
        ]
    }

    /// `claims` signed RS256 with the tenant's key, or `other` (with the tenant key's `kid`, so that
    /// only the signature is wrong).
    func sign(_ claims: [(key: String, value: JSONValue)], otherKey other: Bool = false) -> String {
        guard other else { return (try? JWT.signRS256(claims: .object(claims), key: key)) ?? "" }
        let header = #"{"typ":"JWT","alg":"RS256","kid":"\#(key.kid)"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(JSONValue.object(claims).serialized())
        return input + "." + Base64URL.encode(Self.otherKey.map { signature(over: input, with: $0) } ?? [])
    }

    /// A token with an arbitrary header, signed RS256 under the tenant key (or `signature` verbatim
    /// when given).
    func sign(header: String, _ claims: [(key: String, value: JSONValue)], signature: String? = nil) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(JSONValue.object(claims).serialized())
        return input + "." + (signature ?? Base64URL.encode(self.signature(over: input, with: key)))
    }

    /// The RS256 signature of a signing input ("header.payload").
    func signature(over input: String, with key: SigningKey) -> [UInt8] {
        let signature = try? key.privateKey.signature(for: Array(input.utf8), padding: .insecurePKCS1v1_5)
        return signature.map { Array($0.rawRepresentation) } ?? []
    }
}

extension Array where Element == (key: String, value: JSONValue) {
    /// The claims with `key` set to `value` (or removed when `value` is nil).
    func setting(_ key: String, _ value: JSONValue?) -> Self {
        var claims = filter { $0.key != key }
        if let value { claims.append((key, value)) }
        return claims
    }
}

/// HS256 tokens, which the service no longer accepts: for tests that show they are refused.
enum HS256 {
    static func sign(claims: JSONValue, key: [UInt8]) -> String {
        let input = Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#.utf8) + "." + Base64URL.encode(claims.serialized())
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: key))
        return input + "." + Base64URL.encode(mac)
    }
}
