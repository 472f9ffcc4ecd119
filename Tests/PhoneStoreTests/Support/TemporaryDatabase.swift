import Foundation

/// A unique database path under `NSTemporaryDirectory()`. `with` hands the path to its body and
/// afterwards removes the file and its `-wal`, `-shm` and `-journal` companions, whether the body
/// returned or threw. A store made inside the body should not outlive it.
enum TemporaryDatabase {
    static let companionSuffixes = ["", "-wal", "-shm", "-journal"]

    static func makePath() -> String {
        URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("phone-store-tests-\(UUID().uuidString).sqlite").path
    }

    static func with<T>(_ body: (String) throws -> T) rethrows -> T {
        let path = makePath()
        defer { remove(path) }
        return try body(path)
    }

    static func with<T>(_ body: (String) async throws -> T) async rethrows -> T {
        let path = makePath()
        defer { remove(path) }
        return try await body(path)
    }

    static func remove(_ path: String) {
        for suffix in companionSuffixes {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
