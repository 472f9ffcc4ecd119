import Foundation
import TestSupport

/// The `sqlite3` command-line shell an operator uses, run as a child process.
enum SQLiteShell {
    static let executable = "/usr/bin/sqlite3"

    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// Runs `sqlite3 -init /dev/null -bail ARGUMENTS...` (ignoring any `~/.sqliterc`) and waits.
    static func run(_ arguments: [String]) throws -> Output {
        let result = try ChildProcess.run(executable, ["-init", "/dev/null", "-bail"] + arguments)
        return Output(status: result.status, standardOutput: result.stdout, standardError: result.stderr)
    }
}
