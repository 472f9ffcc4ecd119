import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service check`: integrity check; exits non-zero when the database is damaged.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the database's integrity (safe while the service runs); exit 1 on damage.")
    @Option(help: "The SQLite database file.") var db: String = "./phone-service.db"

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else {
            FileHandle.standardError.write(Data("phone-service: error: no database at '\(db)'\n".utf8))
            throw ExitCode.failure
        }
        let problems = try cliStep { try PhoneStore.check(path: db) }
        guard problems.isEmpty else {
            for problem in problems.prefix(20) {
                FileHandle.standardError.write(Data("phone-service: damage: \(problem)\n".utf8))
            }
            throw ExitCode.failure
        }
        print("ok")
    }
}

/// `phone-service backup`: a consistent copy while the service runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the database to DEST (safe while the service runs).")
    @Option(help: "The SQLite database file.") var db: String = "./phone-service.db"
    @Argument(help: "The backup file to create; it must not exist.") var destination: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            FileHandle.standardError.write(Data("phone-service: error: '\(destination)' already exists\n".utf8))
            throw ExitCode.failure
        }
        guard FileManager.default.fileExists(atPath: db) else {
            FileHandle.standardError.write(Data("phone-service: error: no database at '\(db)'\n".utf8))
            throw ExitCode.failure
        }
        let store = try cliStep { try PhoneStore(path: db) }
        try cliStep { try store.backup(to: destination) }
        print(destination)
    }
}

/// `phone-service restore`: puts a backup in place, with the service stopped.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup. Stop the service first; --force to overwrite.")
    @Option(help: "The SQLite database file to restore into.") var db: String = "./phone-service.db"
    @Argument(help: "The backup file, made by 'phone-service backup'.") var source: String
    @Flag(help: "Overwrite an existing database.") var force = false

    func run() throws {
        try cliStep { try PhoneStore.restore(from: source, to: db, force: force) }
        print("restored \(source) into \(db)")
    }
}
