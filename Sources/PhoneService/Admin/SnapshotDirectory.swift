import Foundation
import PhoneStore

/// Named snapshots of the tenant, one SQLite file each (`NAME.db`) in a directory of their own
/// (by default next to the database: `STATE.db.snapshots/`), owner-only like the database.
struct SnapshotDirectory: Sendable {
    let path: String

    struct Snapshot: Sendable {
        var name: String
        var created: String
        var size: Int
    }

    /// Letters, digits, '.', '_' and '-', 1 to 64 of them, not starting with '.'.
    static func validate(_ name: String) throws(GraphError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, (1...64).contains(name.utf8.count), !name.hasPrefix(".") else {
            throw .badRequest(
                "The snapshot name '\(name)' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'."
            )
        }
    }

    func path(of name: String, mustExist: Bool) throws(GraphError) -> String {
        try Self.validate(name)
        let file = path + "/" + name + ".db"
        if mustExist && !FileManager.default.fileExists(atPath: file) {
            throw GraphError(StoreError.snapshotNotFound(name))
        }
        return file
    }

    /// Saves the live state as snapshot `name` (a consistent copy, taken while serving).
    func save(_ name: String, from store: PhoneStore) throws {
        let file = try path(of: name, mustExist: false)
        guard !FileManager.default.fileExists(atPath: file) else { throw StoreError.snapshotExists(name) }
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try store.backup(to: file)
    }

    func delete(_ name: String) throws {
        try FileManager.default.removeItem(atPath: try path(of: name, mustExist: true))
    }

    /// The snapshots, by name.
    func list() throws -> [Snapshot] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.filter { $0.hasSuffix(".db") }.sorted().map { file in
            let attributes = (try? FileManager.default.attributesOfItem(atPath: path + "/" + file)) ?? [:]
            let created = (attributes[.modificationDate] as? Date).map(Timestamp.format) ?? ""
            return Snapshot(
                name: String(file.dropLast(3)), created: created, size: (attributes[.size] as? Int) ?? 0)
        }
    }
}
