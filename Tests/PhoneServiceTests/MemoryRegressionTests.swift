import Foundation
import Testing

@testable import PhoneStore

/// What `make check-memory` (AddressSanitizer and LeakSanitizer over the test suites) found, kept
/// as tests that run without a sanitizer too.
@Suite struct MemoryRegressionTests {
    /// LeakSanitizer: the group committer and its thread kept each other alive, so a released
    /// store never closed its write connection (and every command-line run leaked it at exit).
    /// SQLite removes the WAL file when the last connection to the database closes.
    @Test func aReleasedStoreClosesItsConnections() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "state.db").path
        do {
            let store = try PhoneStore(path: path, durability: .normal)
            let user = try store.addUser(userPrincipalName: "alice@contoso.com")
            _ = try store.createPhoneMethod(userID: user.id, type: .mobile, number: "+1 2065555555")
            #expect(try store.phoneMethods(userID: user.id).count == 1)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
        // The writer thread finishes on its own after the store lets it go: poll, with a deadline.
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: path + "-wal") && Date() < deadline { usleep(20_000) }
        #expect(
            !FileManager.default.fileExists(atPath: path + "-wal"),
            "the WAL file is still there: a connection of the released store is still open")
    }
}
