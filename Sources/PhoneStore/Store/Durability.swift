/// How hard a commit tries to reach the disk before the service answers.
public enum Durability: String, CaseIterable, Sendable {
    /// A write is acknowledged only after an fsync of the WAL that began after its commit, as with
    /// `synchronous=FULL`: it survives power loss and kernel crashes. The writer itself commits
    /// with `synchronous=NORMAL` and a second thread does that fsync (`LogSyncer`).
    case full
    /// `synchronous=NORMAL`: a commit survives the process being killed, but the last commits may
    /// roll back on power loss or a kernel crash. Faster writes.
    case normal
}
