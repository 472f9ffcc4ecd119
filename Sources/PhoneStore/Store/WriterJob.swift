/// One write on the writer's queue, as the committer sees it. Built around a typed `PendingWrite`
/// by `PhoneStore.job(_:completion:)`, which keeps the write's value and its completion typed.
struct WriterJob: Sendable {
    /// False for a write that runs alone, outside any transaction (a checkpoint, a restore).
    var transactional: Bool
    /// Runs the write on the writer's connection, inside the savepoint the committer opened.
    /// `undo` rolls that savepoint back, and is false when SQLite had already ended the whole
    /// transaction: then `run` throws, and the committer fails the group.
    var run: @Sendable (Database, _ undo: () -> Bool) throws(TransactionLost) -> Ran
    /// Answers the write with an error without delivering its result: it never ran, or its
    /// transaction was lost.
    var abandon: @Sendable (StoreError) -> Void
}

/// SQLite rolled the whole group transaction back while a job ran (an I/O error, a full disk).
struct TransactionLost: Error {
    var error: StoreError
}

/// What became of one job of a group, kept until the group is committed and flushed.
struct Ran: Sendable {
    /// The job left something in the group (its changes, or a refused write's journal row); a group
    /// where none did commits nothing.
    var wrote: Bool
    /// Hands the job its result, or `failure` when the group's commit or flush failed after all.
    var deliver: @Sendable (_ failure: StoreError?) -> Void
}
