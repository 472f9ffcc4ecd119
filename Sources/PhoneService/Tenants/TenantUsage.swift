import Foundation

/// A tenant's size and activity as its files show them, for `GET /_admin/tenants` (the dashboard's
/// tenants page): read with `stat` alone, so listing 1,000 tenants opens none of them.
struct TenantUsage: Equatable {
    /// The database and its WAL, in bytes (snapshots not counted).
    var fileBytes: Int64
    /// The last write to the database or its WAL: the last change, the last journaled request.
    var lastWrite: Date?

    init(file: String) {
        fileBytes = [file, file + "-wal"].reduce(0) { total, path in
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
            return total + (size?.int64Value ?? 0)
        }
        lastWrite = TenantDirectory.lastWrite(file)
    }

    /// `fileBytes`, `lastWriteAt` and, for a tenant not kept, `expiresAt`: when a service start
    /// would remove it if nothing writes to it before (null when kept).
    func members(keep: Bool, expiry: TimeInterval) -> [(key: String, value: JSONValue)] {
        let stamp = { (date: Date?) -> JSONValue in date.map { .string(Self.format($0)) } ?? .null }
        return [
            ("fileBytes", .number(Double(fileBytes))), ("lastWriteAt", stamp(lastWrite)),
            ("expiresAt", keep ? .null : stamp(lastWrite?.addingTimeInterval(expiry))),
        ]
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
