import CLibFuzzer
import Glibc
import _CryptoExtras

@testable import PhoneService
@testable import PhoneStore

/// libFuzzer target for bearer tokens: `Base64URL`, `JWT.decode`/`verifyRSA` and
/// `TokenVerifier.principal(authorization:)`.
///
/// The first byte picks what the rest is: a token as sent (mostly refused, exercising the shape
/// checks), claims signed with the right key (exercising the claim checks behind the signature), or
/// a header signed with the right key (exercising the algorithm check). Properties checked besides
/// "never traps" are in each function.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWT(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mode = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    switch mode % 3 {
    case 0: checkToken(String(decoding: rest, as: UTF8.self))
    case 1: checkSignedClaims(rest)
    default: checkSignedHeader(rest)
    }
    return 0
}

/// One RSA key for the run (made at start-up; the harness cannot run without it).
private let record: SigningKeyRecord = {
    do {
        return try SigningKey.make()
    } catch {
        fatalError("cannot make an RSA key: \(error)")
    }
}()
private let key: SigningKey = {
    do {
        return try SigningKey(record)
    } catch {
        fatalError("cannot parse the RSA key: \(error)")
    }
}()
private let tenant = Tenant(
    id: "4a6b4b4e-2f3c-4d5e-8f90-a1b2c3d4e5f6", signingKey: [UInt8](repeating: 0x5A, count: 32),
    signingKeys: [record])
private let verifier = TokenVerifier(tenant: tenant)
/// A fixed clock, so that an input means the same thing on every run.
private let now: Double = 1_800_000_000
private let standardHeader = Array(#"{"alg":"RS256","typ":"JWT","kid":"\#(record.kid)"}"#.utf8)

private func verify(_ token: String) throws(JWTError) -> JSONValue {
    try JWT.verifyRSA(token, algorithms: ["RS256"]) { _ in key.publicKey }.claims
}

/// Base64url is canonical (every accepted spelling re-encodes to itself) and round-trips bytes; a
/// token that verifies also decodes, to the same claims.
private func checkToken(_ token: String) {
    for piece in token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
        let text = Substring(piece)
        if let bytes = Base64URL.decode(text) {
            precondition(Base64URL.encode(bytes) == text, "base64url accepted a non-canonical spelling")
        }
        let bytes = Array(piece)
        precondition(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes, "base64url round trip")
    }
    let decoded = try? JWT.decode(token)
    if let claims = try? verify(token) {
        precondition(decoded?.claims == claims, "verify accepted what decode refuses")
    }
    _ = try? verifier.principal(authorization: "Bearer " + token, now: now)
    _ = try? verifier.principal(authorization: token, now: now)
}

/// Signed claims always pass the signature check when they are a JSON object, and come back as
/// parsed; the verifier then reaches the claim checks, which must answer with a 401 or a principal.
private func checkSignedClaims(_ payload: [UInt8]) {
    let token = sign(header: standardHeader, payload: payload)
    let object: JSONValue? =
        if let value = try? JSONParser.parse(payload), case .object = value { value } else { nil }
    do {
        let claims = try verify(token)
        precondition(claims == object, "verify returned other claims than were signed")
    } catch {
        precondition(object == nil && error == .malformed, "a signed object was refused: \(error)")
    }
    do {
        _ = try verifier.principal(authorization: "Bearer \(token)", now: now)
    } catch {
        precondition(error.status == 401, "a token was refused with \(error.status)")
    }
}

/// With valid claims, the header decides alone: accepted exactly when it is an object whose `alg`
/// is the string "RS256" and whose `kid` (or, without a string `kid`, `x5t`) names the tenant's key.
private func checkSignedHeader(_ header: [UInt8]) {
    let claims =
        Array(
            #"{"tid":"\#(tenant.id)","iss":"https://sts.windows.net/\#(tenant.id)/","aud":"https://graph.microsoft.com","#
                .utf8) + Array(#""exp":1800000600,"roles":[]}"#.utf8)
    let token = sign(header: header, payload: claims)
    let pinned: Bool =
        if let value = try? JSONParser.parse(header), case .object = value, value["alg"] == .string("RS256") {
            if case .string(let kid) = value["kid"] { kid == record.kid } else { value["x5t"] == .string(record.kid) }
        } else {
            false
        }
    let accepted = (try? verifier.principal(authorization: "Bearer \(token)", now: now)) != nil
    precondition(accepted == pinned, "the algorithm check disagrees with the header")
}

private func sign(header: [UInt8], payload: [UInt8]) -> String {
    let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
    let signature = try? key.privateKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
    return signingInput + "." + Base64URL.encode(signature.map { Array($0.rawRepresentation) } ?? [])
}

@main enum Main {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzJWT))
    }
}
