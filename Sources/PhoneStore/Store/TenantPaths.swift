/// Where a multi-tenant service keeps each tenant (docs/tenants.md): the `--db` file is the
/// default tenant's; every other tenant is `FILE.tenants/<id>.db` (with its `-wal` and `-shm`),
/// its snapshots in `FILE.tenants/<id>.snapshots/`.
public struct TenantPaths: Sendable {
    /// The default tenant's file, as given to `--db`.
    public let database: String

    public init(database: String) {
        self.database = database
    }

    public var directory: String { database + ".tenants" }
    /// The template new tenants are copied from, made again at every start.
    public var template: String { directory + "/.template.db" }
    public func file(of id: String) -> String { directory + "/" + id + ".db" }
    public func snapshots(of id: String) -> String { directory + "/" + id + ".snapshots" }

    /// Whether `id` is a tenant id: a GUID in lower case, as `tid` claims carry it.
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return false }
            }
        }
        return true
    }
}
