import Foundation

/// Read connections, handed to one caller at a time and reused. Each connection keeps its own
/// prepared statements, so a reused connection runs cached statements.
final class ConnectionPool: @unchecked Sendable {
    // @unchecked: `idle` is only touched under `lock`, and a connection taken from it belongs to
    // exactly one caller until it is returned.
    private let lock = NSLock()
    private var idle: [Database] = []
    private let open: () throws -> Database
    private let maximumIdle: Int

    init(maximumIdle: Int, open: @escaping @Sendable () throws -> Database) {
        self.maximumIdle = maximumIdle
        self.open = open
    }

    func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        let connection = try lock.withLock { idle.popLast() } ?? open()
        defer {
            lock.withLock { if idle.count < maximumIdle { idle.append(connection) } }
        }
        return try body(connection)
    }

}
