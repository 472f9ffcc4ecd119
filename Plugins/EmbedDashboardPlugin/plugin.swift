import Foundation
import PackagePlugin

/// Runs EmbedAssets over the dashboard's files (`Dashboard/Assets/` in the target's folder, which
/// the target excludes from its sources), producing `EmbeddedDashboard.swift` in the build directory.
/// Embedded rather than SwiftPM resources: `Bundle.module` looks for a folder beside the executable,
/// which `make install` and the systemd deployment do not copy.
@main struct EmbedDashboardPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let folder = target.directoryURL.appending(path: "Dashboard/Assets")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path())
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDashboard.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) dashboard files",
                executable: try context.tool(named: "EmbedAssets").url,
                arguments: [output.path()] + files.map { $0.path() },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
