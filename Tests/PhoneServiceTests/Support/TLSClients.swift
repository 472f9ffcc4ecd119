import Foundation
import TestSupport

/// curl and openssl, run as child processes: real TLS clients for the HTTPS tests, so that what
/// is checked is what a client on this machine sees.
enum TLSClients {
    /// What curl got: its exit code (0, or 60 for a certificate it does not trust, 35 for a failed
    /// handshake), the HTTP status and the body.
    struct Answer {
        var exitCode: Int32
        var status: Int
        var body: String
        var stderr: String
    }

    /// One request with curl, trusting `caFile` only (or the system's CAs without one).
    static func curl(
        _ url: String, caFile: String?, method: String = "GET", headers: [(String, String)] = [],
        body: String? = nil, extra: [String] = [], timeoutSeconds: Int = 10
    ) throws -> Answer {
        var arguments = ["-s", "-S", "-X", method, "--max-time", "\(timeoutSeconds)", "-w", "\n%{http_code}"]
        // With a CA file, it is all the client trusts (no system directory); without one, the
        // system's store, which does not hold the tenant's CA.
        if let caFile { arguments += ["--capath", "/nonexistent", "--cacert", caFile] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments += extra + [url]
        let result = try ChildProcess.run("/usr/bin/curl", arguments, timeout: .seconds(timeoutSeconds + 10))
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = lines.popLast().flatMap { Int($0) } ?? 0
        return Answer(
            exitCode: result.status, status: status, body: lines.joined(separator: "\n"), stderr: result.stderr)
    }

    /// `openssl s_client` against 127.0.0.1:`port` with `options`; stdin is empty, so it
    /// handshakes, reads nothing and closes. stdout and stderr together.
    static func sClient(port: Int, caFile: String?, _ options: [String] = []) throws -> (status: Int32, output: String)
    {
        var arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"]
        if let caFile { arguments += ["-CAfile", caFile, "-verify_return_error"] }
        let result = try ChildProcess.run("/usr/bin/openssl", arguments + options, timeout: .seconds(20))
        return (result.status, result.stdout + result.stderr)
    }

    /// The subject alternative names of the certificate the server at `port` presents, as
    /// `openssl x509 -ext subjectAltName` prints them ("DNS:localhost", "IP Address:127.0.0.1", ...).
    static func presentedNames(port: Int, caFile: String) throws -> [String] {
        let shown = try sClient(port: port, caFile: caFile)
        let file = NSTemporaryDirectory() + "/presented-\(UUID().uuidString).pem"
        defer { unlink(file) }
        try shown.output.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(
            "/usr/bin/openssl", ["x509", "-in", file, "-noout", "-ext", "subjectAltName"])
        return result.stdout.split(separator: "\n").dropFirst().flatMap { line in
            line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The SHA-256 fingerprint of the certificate the server at `port` presents.
    static func presentedFingerprint(port: Int, caFile: String) throws -> String {
        let shown = try sClient(port: port, caFile: caFile)
        let file = NSTemporaryDirectory() + "/presented-\(UUID().uuidString).pem"
        defer { unlink(file) }
        try shown.output.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(
            "/usr/bin/openssl", ["x509", "-in", file, "-noout", "-fingerprint", "-sha256"])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
