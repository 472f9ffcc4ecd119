import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service`: the emulator and the tools to set up its tenant.
public struct PhoneServiceCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "phone-service",
        abstract: "A persistent emulator of Microsoft Graph's phone authentication methods API.",
        version: BuildInfo.version,
        subcommands: [
            Serve.self, UserCommand.self, GroupCommand.self, PolicyCommand.self, TokenCommand.self,
            AppCommand.self, KeysCommand.self, AdminKeyCommand.self, OperatorKeyCommand.self, TLSCommand.self,
            Check.self,
            Backup.self, Restore.self,
        ]
    )
}

/// The `--db` option every subcommand takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file (created when missing).")
    var db: String = "./phone-service.db"

    @Option(name: .long, help: "full (fsync every commit; survives power loss) or normal (faster; survives crashes).")
    var durability: Durability = .full

    @Option(name: .long, help: "A tenant other than the default one, by id (its file is FILE.tenants/ID.db).")
    var tenant: String?

    /// The file of the tenant the command works on: `--db`, or `--tenant`'s file next to it.
    func path() throws -> String {
        guard let tenant else { return db }
        let file = TenantPaths(database: db).file(of: tenant.lowercased())
        guard TenantPaths.isValidID(tenant.lowercased()), FileManager.default.fileExists(atPath: file) else {
            FileHandle.standardError.write(Data("phone-service: error: no tenant '\(tenant)' at '\(file)'\n".utf8))
            throw ExitCode.failure
        }
        return file
    }

    func open(journal: JournalSettings = JournalSettings()) throws -> PhoneStore {
        let path = try path()
        // Another tenant's store reads the signing keys tenants share in the default tenant's file.
        let service = tenant == nil ? nil : try cliStep { try PhoneStore(path: db, durability: durability) }
        return try cliStep { try PhoneStore(path: path, durability: durability, journal: journal, service: service) }
    }
}

extension Durability: ExpressibleByArgument {}

/// Runs a command-line step; on failure prints one line on stderr and exits non-zero.
func cliStep<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("phone-service: error: \(describe(error))\n".utf8))
        throw ExitCode.failure
    }
}

/// A readable sentence for an error, for the command line.
func describe(_ error: any Error) -> String {
    switch error {
    case let error as GraphError: error.message
    case let error as StoreError:
        switch error {
        case .rule(let rule): GraphError(rule).message
        case .userNotFound(let key): "no user '\(key)' in this tenant"
        default: error.description
        }
    case let error as CustomStringConvertible: error.description
    default: "\(error)"
    }
}
