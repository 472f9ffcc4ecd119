import Foundation
import Testing

@testable import PhoneStore

struct TemporaryDatabaseTests {
    @Test func removesTheFileAndItsCompanions() throws {
        let path = try TemporaryDatabase.with { path in
            let store = try PhoneStore(path: path)
            try store.addAlice()
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            return path
        }
        for suffix in TemporaryDatabase.companionSuffixes {
            #expect(!FileManager.default.fileExists(atPath: path + suffix), "\(suffix)")
        }
    }

    @Test func pathsAreUnique() {
        #expect(TemporaryDatabase.makePath() != TemporaryDatabase.makePath())
    }
}
