import Foundation
import PackagePlugin

/// Runs EmbedMigrations over the numbered migrations in the package's top-level `Migrations/` folder
/// for the target that uses it, producing `EmbeddedMigrations.swift` in the build directory.
@main struct EmbedMigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Migrations")
        // schema.sql is the generated whole schema (`make schema`), to read, not a migration to run.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path())
            .filter { $0.hasSuffix(".sql") && $0 != "schema.sql" }
            .sorted()
            .map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations",
                executable: try context.tool(named: "EmbedMigrations").url,
                arguments: [output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
