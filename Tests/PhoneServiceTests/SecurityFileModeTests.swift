import Foundation
import Testing

@testable import PhoneStore

/// The database holds the tenant's signing key: its file, the WAL and shared-memory files beside
/// it, and the files `backup` and `restore` write are readable and writable by their owner only,
/// whatever the umask (the usual 022 would leave them readable by every local user).
@Suite struct SecurityFileModeTests {
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    static func expectOwnerOnly(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let mode = try permissions(path)
            #expect(
                mode & 0o077 == 0, "\(path) has mode \(String(mode, radix: 8))", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(path): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func theDatabaseAndItsFilesAreReadableOnlyByTheOwner() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "file-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "state.db").path
        let backup = directory.appending(path: "backup.db").path
        let restored = directory.appending(path: "restored.db").path

        let store = try PhoneStore(path: path, durability: .normal)
        let user = try store.addUser(userPrincipalName: "alice@contoso.com")
        _ = try store.createPhoneMethod(userID: user.id, type: .mobile, number: "+1 2065555555")
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) was not created")
            Self.expectOwnerOnly(file)
        }

        try store.backup(to: backup)
        Self.expectOwnerOnly(backup)
        try PhoneStore.restore(from: backup, to: restored, force: false)
        Self.expectOwnerOnly(restored)
    }
}
