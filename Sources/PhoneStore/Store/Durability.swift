/// How hard a commit tries to reach the disk before the service answers.
public enum Durability: String, CaseIterable, Sendable {
    /// `synchronous=FULL`: a commit survives power loss and kernel crashes (an fsync per commit).
    case full
    /// `synchronous=NORMAL`: a commit survives the process being killed, but the last commits may
    /// roll back on power loss or a kernel crash. Faster writes.
    case normal
}
