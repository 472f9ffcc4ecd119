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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-init", "/dev/null", "-bail"] + arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.runSerialised()
        // Outputs here are a few lines, far below a pipe's buffer, so reading one then the other
        // cannot block the child.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self))
    }
}
