import CLibFuzzer
import Glibc

@testable import PhoneService

/// libFuzzer target for the request target: `Router.route` on the path, `PercentEncoding`, and
/// `QueryOptions.parse` on the query, split and decoded as `HTTPServer` does.
///
/// Properties checked besides "never traps": percent-encoding round-trips any text, and a path the
/// router accepts routes to the same place when written out canonically.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRouter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    // libmicrohttpd hands over the target as a C string: it ends at the first NUL.
    let bytes = UnsafeBufferPointer(start: data, count: size).prefix { $0 != 0 }
    let target = String(decoding: bytes, as: UTF8.self)
    let (path, query) = split(target)

    precondition(PercentEncoding.decode(Substring(PercentEncoding.encode(target))) == target, "percent round trip")
    if let route = try? Router.route(path) {
        let canonical = canonicalPath(route)
        precondition((try? Router.route(canonical)) == route, "\(canonical) routes elsewhere")
    }
    for version in [APIVersion.v1, .beta] {
        for isList in [true, false] {
            _ = try? QueryOptions.parse(query, version: version, isList: isList)
        }
    }
    return 0
}

/// The path, and the query split on '&' and the first '=', decoded with '+' as a space (a pair that
/// does not decode is kept as sent), as libmicrohttpd and `HTTPServer` hand them over.
private func split(_ target: String) -> (String, [(name: String, value: String)]) {
    guard let mark = target.firstIndex(of: "?") else { return (target, []) }
    let path = String(target[..<mark])
    var query: [(name: String, value: String)] = []
    for pair in target[target.index(after: mark)...].split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0]
        let value = parts.count > 1 ? parts[1] : ""
        query.append(
            (
                PercentEncoding.decode(name, plusIsSpace: true) ?? String(name),
                PercentEncoding.decode(value, plusIsSpace: true) ?? String(value)
            ))
    }
    return (path, query)
}

private func canonicalPath(_ route: Route) -> String {
    switch route {
    case .smsPolicy(let version):
        return "/\(version.rawValue)/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/sms"
    case .batch(let version):
        return "/\(version.rawValue)/$batch"
    case .phone(let phone):
        var path = "/\(phone.version.rawValue)"
        switch phone.user {
        case .me: path += "/me"
        case .user(let key): path += "/users/" + PercentEncoding.encode(key)
        }
        path += "/authentication/" + phone.collection.rawValue
        if let id = phone.methodID { path += "/" + PercentEncoding.encode(id) }
        if let action = phone.action { path += "/" + action.rawValue }
        return path
    }
}

@main enum Main {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzRouter))
    }
}
