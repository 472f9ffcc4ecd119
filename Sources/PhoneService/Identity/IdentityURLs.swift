/// The URLs the sign-in endpoints name: built from the request's `Host` and scheme, so that a
/// client that reached the service at some address is sent back to that address.
enum IdentityURLs {
    /// The scheme of the request: `https` when the listener that read it speaks TLS, else `http`
    /// (no `X-Forwarded-Proto`: the service trusts no proxy header).
    static func scheme(for request: HTTPRequest) -> String { request.isTLS ? "https" : "http" }

    /// `scheme://host[:port]` as the client addressed the service; `localhost` when the `Host`
    /// header is missing or holds anything but a host name or address and a port.
    static func base(for request: HTTPRequest) -> String {
        var host = request.header("host") ?? ""
        let allowed = host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"),
                UInt8(ascii: "["), UInt8(ascii: "]"):
                true
            default: false
            }
        }
        if host.isEmpty || !allowed || host.utf8.count > 255 { host = "localhost" }
        return scheme(for: request) + "://" + host
    }

    /// The issuer of v1 access tokens, as Entra's: `https://sts.windows.net/{tid}/`.
    static func issuerV1(tenantID: String) -> String { "https://sts.windows.net/\(tenantID)/" }

    /// The issuer of v2 tokens at this authority: `{base}/{tid}/v2.0`, the discovery document's
    /// `issuer` (with the literal `{tenantid}` for `common` and `organizations`, as Entra has it).
    static func issuerV2(base: String, tenantID: String) -> String { "\(base)/\(tenantID)/v2.0" }

    /// Where Entra's error answers point (`error_uri`).
    static func errorURI(base: String, code: Int) -> String { "\(base)/error?code=\(code)" }
}
