import Foundation

/// A fully migrated, empty database, made once per service start, that new tenants' files are
/// copied from: a copy and two fsyncs take a few milliseconds, running the migrations about 50
/// (docs/tenants.md). The tenant row is not in it: `PhoneStore(path:tenantID:)` adds it on open.
public struct TenantTemplate: Sendable {
    public let path: String

    /// Makes the template at `path` (replacing any older one) with `migrator`'s migrations.
    public init(path: String, migrator: Migrator = Migrator()) throws(StoreError) {
        self.path = path
        do {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let db = try Database(path: path)
            try PhoneStore.configure(db, durability: .full, readOnly: false)
            try migrator.migrate(db)
            // Everything in the main file: the copy is the whole database (WAL mode stays set in it).
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            throw StoreError(error)
        }
    }

    /// Copies the template to `destination` (which must not exist), owner-only, and syncs the file
    /// and its directory: a tenant the registry names has a whole file, even after a power loss.
    public func copy(to destination: String) throws(StoreError) {
        let source = open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw .unexpected("open \(path): \(String(cString: strerror(errno)))") }
        defer { Foundation.close(source) }
        let target = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard target >= 0 else { throw .unexpected("create \(destination): \(String(cString: strerror(errno)))") }
        var failure: String?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while failure == nil {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                failure = "read \(path)"
                break
            }
            let written = buffer.withUnsafeBytes { write(target, $0.baseAddress, count) }
            if written != count { failure = "write \(destination)" }
        }
        if failure == nil && fsync(target) != 0 { failure = "fsync \(destination)" }
        Foundation.close(target)
        if failure == nil { failure = Self.syncDirectory(of: destination) }
        if let failure {
            unlink(destination)
            throw .unexpected("\(failure): \(String(cString: strerror(errno)))")
        }
    }

    /// Syncs the directory holding `file`, so that its entry (a creation, a removal) is durable.
    public static func syncDirectory(of file: String) -> String? {
        let directory = (file as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return "open \(directory)" }
        defer { Foundation.close(fd) }
        return fsync(fd) == 0 ? nil : "fsync \(directory)"
    }
}
