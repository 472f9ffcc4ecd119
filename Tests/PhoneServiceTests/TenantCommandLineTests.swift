import Foundation
import Logging
import Testing

@testable import PhoneService
@testable import PhoneStore

/// The command line with several tenants: `operator-key`, `--tenant ID` on the commands that take
/// `--db`, `check --all-tenants`, and `backup`/`restore --tenant`.
@Suite struct TenantCommandLineTests {
    /// A database with one other tenant, made in-process and let go; the tenant's id.
    static func prepare(_ directory: TemporaryDirectory) throws -> (path: String, tenant: TenantRecord) {
        let path = directory.path("state.db")
        let application = try Application(
            store: try PhoneStore(path: path), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let tenant = try application.tenants.create(id: nil, displayName: "cli", keep: true)
        application.tenants.closeAll()
        return (path, tenant)
    }

    @Test func theOperatorKeyIsPrintedAndStaysTheSame() throws {
        let directory = try TemporaryDirectory()
        let first = try runPhoneService(["operator-key", "--db", directory.path("state.db")])
        #expect(first.status == 0 && first.stdout.hasPrefix("pso_") && first.stdout.utf8.count == 69)
        let again = try runPhoneService(["operator-key", "--db", directory.path("state.db")])
        #expect(again.stdout == first.stdout)
        let admin = try runPhoneService(["admin-key", "--db", directory.path("state.db")])
        #expect(admin.stdout.hasPrefix("psa_") && admin.stdout != first.stdout)
    }

    @Test func tenantSelectsAnotherTenantsFile() throws {
        let directory = try TemporaryDirectory()
        let (path, tenant) = try Self.prepare(directory)
        let added = try runPhoneService(["user", "add", "--db", path, "--tenant", tenant.id, "only.here@contoso.com"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(
            try runPhoneService(["user", "list", "--db", path, "--tenant", tenant.id]).stdout.contains("only.here"))
        #expect(!(try runPhoneService(["user", "list", "--db", path]).stdout.contains("only.here")))
        #expect(
            try runPhoneService(["admin-key", "--db", path, "--tenant", tenant.id]).stdout == tenant.adminKey + "\n")
        let unknown = try runPhoneService(["user", "list", "--db", path, "--tenant", UUID().uuidString.lowercased()])
        #expect(unknown.status != 0 && unknown.stderr.contains("no tenant"))
    }

    @Test func checkBackupAndRestoreWorkPerTenantAndForTheWholeService() throws {
        let directory = try TemporaryDirectory()
        let (path, tenant) = try Self.prepare(directory)
        #expect(try runPhoneService(["check", "--db", path, "--all-tenants"]).status == 0)
        #expect(try runPhoneService(["check", "--db", path, "--tenant", tenant.id]).status == 0)
        let copy = directory.path("tenant-copy.db")
        #expect(try runPhoneService(["backup", "--db", path, "--tenant", tenant.id, copy]).status == 0)
        #expect(try PhoneStore(path: copy).tenant.id == tenant.id)
        // Damage the tenant's file: the whole-service check finds it, the default tenant's does not.
        let file = TenantPaths(database: path).file(of: tenant.id)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.seek(toOffset: 100)  // the schema's page, after the header
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
        try handle.close()
        #expect(try runPhoneService(["check", "--db", path]).status == 0)
        #expect(try runPhoneService(["check", "--db", path, "--all-tenants"]).status != 0)
        let restored = try runPhoneService(["restore", "--db", path, "--tenant", tenant.id, copy, "--force"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try runPhoneService(["check", "--db", path, "--all-tenants"]).status == 0)
    }
}
