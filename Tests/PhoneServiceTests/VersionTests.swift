import Foundation
import TestSupport
import Testing

@testable import PhoneService

/// The version is written once, in debian/changelog; `--version`, `/healthz` and the package
/// all report it (Plugins/EmbedVersionPlugin embeds it at build time).
@Suite struct VersionTests {
    /// The first entry's version, read here the way dpkg-parsechangelog does for a native package.
    static func changelogVersion() throws -> String {
        let changelog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "debian/changelog")
        let firstLine = try String(contentsOf: changelog, encoding: .utf8).prefix { $0 != "\n" }
        let open = try #require(firstLine.firstIndex(of: "("))
        let close = try #require(firstLine.firstIndex(of: ")"))
        return String(firstLine[firstLine.index(after: open)..<close])
    }

    @Test func buildInfoIsTheChangelogsVersion() throws {
        #expect(BuildInfo.version == (try Self.changelogVersion()))
    }

    @Test func versionFlagPrintsIt() throws {
        let result = try ChildProcess.run(phoneServiceExecutable().path, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == (try Self.changelogVersion()) + "\n")
    }
}
