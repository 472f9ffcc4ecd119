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
}
