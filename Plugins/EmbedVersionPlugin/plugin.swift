import PackagePlugin

/// Runs EmbedVersion over the package's `debian/changelog` for the target that uses it, producing
/// `EmbeddedVersion.swift` in the build directory: `--version`, `/healthz` and the Debian package
/// all report the changelog's first version.
@main struct EmbedVersionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let changelog = context.package.directoryURL.appending(path: "debian/changelog")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedVersion.swift")
        return [
            .buildCommand(
                displayName: "Embedding the version from debian/changelog",
                executable: try context.tool(named: "EmbedVersion").url,
                arguments: [output.path(), changelog.path()],
                inputFiles: [changelog],
                outputFiles: [output]
            )
        ]
    }
}
