import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service check`: integrity check; exits non-zero when the database is damaged.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the database's integrity (safe while the service runs); exit 1 on damage.")
    @Option(help: "The SQLite database file.") var db: String = "./phone-service.db"
    @Option(help: "Check one tenant other than the default one, by id; --all-tenants: every tenant.")
    var tenant: String?
    @Flag(name: .customLong("all-tenants"), help: "Check the default tenant and every other tenant's file.")
    var allTenants = false

    func run() throws {
        if tenant != nil || allTenants {
            var failed = false
            for file in try TenantFileOption.files(db: db, tenant: tenant, all: allTenants) {
                let problems = try cliStep { try PhoneStore.check(path: file) }
                for problem in problems.prefix(20) {
                    FileHandle.standardError.write(Data("phone-service: damage: \(file): \(problem)\n".utf8))
                }
                failed = failed || !problems.isEmpty
            }
            if failed { throw ExitCode.failure }
            print("ok")
            return
        }
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
    @Option(help: "Back up one tenant other than the default one, by id.") var tenant: String?
    @Argument(help: "The backup file to create; it must not exist.") var destination: String

    func run() throws {
        let db = try TenantFileOption.files(db: self.db, tenant: tenant, all: false)[0]
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
    @Option(help: "Restore into one tenant other than the default one, by id.") var tenant: String?
    @Argument(help: "The backup file, made by 'phone-service backup'.") var source: String
    @Flag(help: "Overwrite an existing database.") var force = false

    func run() throws {
        let db = try TenantFileOption.files(db: self.db, tenant: tenant, all: false)[0]
        try cliStep { try PhoneStore.restore(from: source, to: db, force: force) }
        print("restored \(source) into \(db)")
    }
}
