import Foundation

/// A child process started with `posix_spawn`, for tests that run the `phone-service` binary or the
/// `sqlite3` shell. Foundation's `Process.run()` crashed intermittently here (a bad pointer in a
/// memcpy inside it) while other threads worked; `posix_spawn` is plain libc and thread-safe.
public final class ChildProcess {
    public enum TerminationReason: Equatable, Sendable {
        case exit
        case uncaughtSignal
    }

    public enum Failure: Error {
        case spawn(Int32)
        case timeout
    }

    public let processIdentifier: pid_t
    private var status: Int32?

    /// Starts `executable` with `arguments`; stdin is /dev/null, stdout and stderr go to the given
    /// files (created or truncated), or /dev/null.
    public init(executable: String, arguments: [String], stdout: String? = nil, stderr: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw Failure.spawn(rc) }
        processIdentifier = pid
    }

    deinit {
        if isRunning {
            kill(processIdentifier, SIGKILL)
            waitUntilExit()
        }
    }

    /// False once the child has exited (and been reaped).
    public var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        let rc = waitpid(processIdentifier, &raw, WNOHANG)
        if rc == processIdentifier || rc < 0 { status = rc < 0 ? 0 : raw }
        return status == nil
    }

    public func waitUntilExit() {
        guard status == nil else { return }
        var raw: Int32 = 0
        while waitpid(processIdentifier, &raw, 0) < 0 && errno == EINTR {}
        status = raw
    }

    /// The exit code, or the signal number for a child killed by a signal.
    public var terminationStatus: Int32 {
        let raw = status ?? 0
        return terminationReason == .exit ? (raw >> 8) & 0xff : raw & 0x7f
    }

    public var terminationReason: TerminationReason {
        (status ?? 0) & 0x7f == 0 ? .exit : .uncaughtSignal
    }

    /// Runs to completion within `timeout` (then SIGKILL and `Failure.timeout`), capturing output.
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(30)) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let base = NSTemporaryDirectory() + "/child-\(UUID().uuidString)"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        let child = try ChildProcess(
            executable: executable, arguments: arguments, stdout: base + ".out", stderr: base + ".err")
        let deadline = ContinuousClock.now + timeout
        while child.isRunning {
            if ContinuousClock.now >= deadline {
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()
                throw Failure.timeout
            }
            usleep(2000)
        }
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return (child.terminationStatus, out, err)
    }
}
