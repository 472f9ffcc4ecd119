import Foundation
import TestSupport

/// The real `phone-service` binary, run as a child process: `serve` on 127.0.0.1 with a port the
/// kernel picks, its stderr log captured in a file. Tests kill it (SIGKILL, SIGTERM) and start it
/// again on the same database to check what survived.
final class ServiceProcess {
    enum Failure: Error, CustomStringConvertible {
        case exitedEarly(status: Int32, log: String)
        case notListening(log: String)
        case notAnswering(port: Int)

        var description: String {
            switch self {
            case .exitedEarly(let status, let log): "phone-service exited with \(status) before listening:\n\(log)"
            case .notListening(let log): "phone-service logged no 'listening' line in time:\n\(log)"
            case .notAnswering(let port): "phone-service on port \(port) did not answer in time"
            }
        }
    }

    let process: ChildProcess
    let databasePath: String
    let logURL: URL
    /// The port from the `listening` log line.
    private(set) var port = 0

    /// Starts `phone-service serve --db databasePath --listen 127.0.0.1:0` and returns once it has
    /// logged the address it listens on and answers HTTP there.
    init(databasePath: String, arguments: [String] = [], timeout: Duration = .seconds(20)) throws {
        self.databasePath = databasePath
        logURL = URL(fileURLWithPath: databasePath + ".\(UUID().uuidString.prefix(8)).log")
        process = try ChildProcess(
            executable: phoneServiceExecutable().path,
            arguments: ["serve", "--db", databasePath, "--listen", "127.0.0.1:0"] + arguments, stderr: logURL.path)

        do {
            port = try waitForListening(timeout: timeout)
            try waitUntilAnswering(timeout: timeout)
        } catch {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw error
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Everything the service has written to stderr so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// Sends a signal; `waitForExit` collects the exit.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit; nil when it is still running at the deadline.
    func waitForExit(timeout: Duration = .seconds(10)) -> (status: Int32, reason: ChildProcess.TerminationReason)? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return (process.terminationStatus, process.terminationReason)
    }

    /// SIGKILL, then waits until the process is gone: no chance to flush or clean up.
    func killHard() {
        signal(SIGKILL)
        _ = waitForExit(timeout: .seconds(30))
    }

    /// The HTTPS port (started with `--tls-listen 127.0.0.1:0`), from its `listening` line
    /// (`scheme=https`), which may come a moment after the plain one.
    func tlsPort(timeout: Duration = .seconds(10)) throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = log.split(separator: "\n").first(where: {
                $0.hasSuffix(" listening") && $0.contains(" scheme=https ")
            }),
                let field = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let port = field.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw Failure.notListening(log: log)
    }

    /// The port in the first `listening` line: `... address=127.0.0.1:PORT ... listening`.
    private func waitForListening(timeout: Duration) throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = log
            if let line = text.split(separator: "\n").first(where: { $0.hasSuffix(" listening") }),
                let field = line.split(separator: " ").first(where: { $0.hasPrefix("address=") }),
                let port = field.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            if !process.isRunning {
                process.waitUntilExit()
                throw Failure.exitedEarly(status: process.terminationStatus, log: text)
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw Failure.notListening(log: log)
    }

    /// Polls until an HTTP request gets any answer (a 401 without a token is an answer).
    private func waitUntilAnswering(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let answer = try? client().request("GET", "/v1.0/me/authentication/phoneMethods"), answer.status > 0 {
                return
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw Failure.notAnswering(port: port)
    }
}

/// The result of running the `phone-service` command line once.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// stderr's lines, without empty ones.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs `phone-service arguments...` to completion (with a deadline) and captures its output.
func runPhoneService(_ arguments: [String], timeout: Duration = .seconds(30)) throws -> CommandResult {
    let result = try ChildProcess.run(phoneServiceExecutable().path, arguments, timeout: timeout)
    return CommandResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

/// A fresh directory for one test's database files, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "phone-service-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appending(path: name).path }
}
