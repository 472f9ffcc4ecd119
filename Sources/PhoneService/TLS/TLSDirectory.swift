import Foundation

/// The directory beside a database that holds its TLS files (`<db>.tls/`), owner-only: the CA's
/// certificate and key, and the server certificate with its key. Every file is written whole and
/// renamed into place, so a reader never sees half of one.
struct TLSDirectory: Sendable {
    let path: String

    static let caCertificate = "ca.pem"
    static let caKey = "ca-key.pem"
    /// The server's private key followed by its certificate: one file, so that a renewal replaces
    /// both at once.
    static let serverCertificate = "server.pem"

    static func path(forDatabase databasePath: String) -> String { databasePath + ".tls" }

    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let code: Int32
        var description: String { "cannot \(operation) '\(path)': \(String(cString: strerror(code)))" }
    }

    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Creates the directory with `files` in it, atomically: they are written into a fresh private
    /// directory that is then renamed to `path`. When `path` appeared meanwhile (another process
    /// made it first), that one is kept and this one dropped. Run as root (an operator's command
    /// on a service's database), the files get `owner`, as SQLite keeps a database's owner.
    func create(_ files: [String: String], owner: (uid: uid_t, gid: gid_t)? = nil) throws(Failure) {
        var template = Array((path + ".new-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(operation: "create", path: path, code: errno) }
        let staging = String(cString: made)  // mkdtemp makes it 0700.
        do throws(Failure) {
            for (name, contents) in files { try Self.write(contents, to: staging + "/" + name) }
            if let owner, geteuid() == 0 {
                for name in files.keys where chown(staging + "/" + name, owner.uid, owner.gid) != 0 {
                    throw Failure(operation: "chown", path: staging + "/" + name, code: errno)
                }
                guard chown(staging, owner.uid, owner.gid) == 0 else {
                    throw Failure(operation: "chown", path: staging, code: errno)
                }
            }
            try Self.syncDirectory(staging)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        if rename(staging, path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: staging)
            guard code == EEXIST || code == ENOTEMPTY else {
                throw Failure(operation: "create", path: path, code: code)
            }
        }
        try Self.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Replaces the file `name` with `contents`: written beside it, then renamed over it.
    func replace(_ name: String, with contents: String) throws(Failure) {
        let target = file(name)
        let staging = target + ".new-\(getpid())"
        try Self.write(contents, to: staging)
        guard rename(staging, target) == 0 else {
            let code = errno
            unlink(staging)
            throw Failure(operation: "replace", path: target, code: code)
        }
        try Self.syncDirectory(path)
    }

    /// Writes a new owner-only file and syncs it.
    private static func write(_ contents: String, to path: String) throws(Failure) {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(operation: "write", path: path, code: errno) }
            written += n
        }
        guard fsync(fd) == 0 else { throw Failure(operation: "sync", path: path, code: errno) }
    }

    /// The owner of the file at `path`, or nil.
    static func owner(of path: String) -> (uid: uid_t, gid: gid_t)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid)
    }

    private static func syncDirectory(_ path: String) throws(Failure) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(operation: "sync", path: path, code: errno) }
    }
}
