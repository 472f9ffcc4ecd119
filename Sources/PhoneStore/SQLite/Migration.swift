/// One numbered schema change from `Migrations/NNNN_name.sql`, embedded at build time.
public struct Migration: Sendable {
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    public let version: Int
    public let name: String
    public let sql: String

    /// Whether the migration rebuilds tables (see `Migrator`): its first line says so.
    public var rebuildsTables: Bool { sql.hasPrefix(Self.rebuildsTablesLine) }
    public static let rebuildsTablesLine = "-- migrator: rebuilds tables\n"
}
