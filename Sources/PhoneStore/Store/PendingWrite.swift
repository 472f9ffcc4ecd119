/// A write for the store's writer thread, as one typed value: what it does on the writer's
/// connection, and what the request journal records for its result. Made by the store's factories
/// (`.createPhoneMethod(...)`, `.addUser(...)`, ...) and run with `PhoneStore.submit(_:completion:)`,
/// or `PhoneStore.perform(_:)` by a caller that may wait (the command line, tests).
public struct PendingWrite<Value: Sendable>: Sendable {
    /// What the write does, on the writer's connection, inside its own savepoint of a group
    /// transaction (or alone, outside any transaction, when `transactional` is false). What it
    /// throws is converted to `StoreError` by the writer, in one place.
    let operation: @Sendable (Database) throws -> Value
    let transactional: Bool
    /// Runs after the commit, before the caller hears of it (a reset or a restore reloads the tenant).
    let committed: (@Sendable (Value) -> Void)?
    /// The journal row for the write's result, inserted in the write's savepoint; nil records none.
    /// Pure: the writer may call it again for the failure it answers when the transaction was lost.
    private(set) var journal: (@Sendable (Result<Value, StoreError>) throws -> JournalEntry?)?

    init(
        transactional: Bool = true, committed: (@Sendable (Value) -> Void)? = nil,
        _ operation: @escaping @Sendable (Database) throws -> Value
    ) {
        self.operation = operation
        self.transactional = transactional
        self.committed = committed
        self.journal = nil
    }

    /// The same write, recording `entry(result)` in the request journal in the write's own
    /// transaction, so the row commits (or is lost) with the write it describes. When `entry`
    /// throws, the write is undone and answers `StoreError.journalFailed`.
    public func journaled(_ entry: @escaping @Sendable (Result<Value, StoreError>) throws -> JournalEntry?)
        -> PendingWrite
    {
        var copy = self
        copy.journal = entry
        return copy
    }
}
