import ArgumentParser
import Foundation
import PhoneStore

/// `--tenant ID` and `--all-tenants` of `check`, `backup` and `restore`: which tenants' files.
enum TenantFileOption {
    /// `db` alone; tenant `id`'s file (which must exist); or, with `all`, `db` and every file of a
    /// tenant the registry lists.
    static func files(db: String, tenant: String?, all: Bool) throws -> [String] {
        let paths = TenantPaths(database: db)
        if let tenant {
            let file = paths.file(of: tenant.lowercased())
            guard TenantPaths.isValidID(tenant.lowercased()), FileManager.default.fileExists(atPath: file) else {
                FileHandle.standardError.write(Data("phone-service: error: no tenant '\(tenant)' at '\(file)'\n".utf8))
                throw ExitCode.failure
            }
            return [file]
        }
        guard all else { return [db] }
        guard FileManager.default.fileExists(atPath: db) else {
            FileHandle.standardError.write(Data("phone-service: error: no database at '\(db)'\n".utf8))
            throw ExitCode.failure
        }
        let store = try cliStep { try PhoneStore(path: db) }
        return [db] + (try cliStep { try store.registeredTenants() }).map { paths.file(of: $0.id) }
    }
}
