import Synchronization

/// What handlers learn about a request that its journal row records: the user whose phones it
/// addressed, the phone method it touched, and whether it came back before its `Retry-After`. One per request, shared by reference: a handler sets
/// them (on a pool thread, or on the writer thread for a create's id), `Application` reads them
/// when the request finishes.
final class RequestFacts: Sendable {
    private struct Values {
        var targetUserID: String?
        var phoneMethodID: String?
        var earlyRetry = false
    }

    private let values = Mutex(Values())

    var targetUserID: String? {
        get { values.withLock { $0.targetUserID } }
        set { values.withLock { $0.targetUserID = newValue } }
    }

    var phoneMethodID: String? {
        get { values.withLock { $0.phoneMethodID } }
        set { values.withLock { $0.phoneMethodID = newValue } }
    }

    /// The caller was told to wait (`Retry-After`) for this method and path, and came back sooner.
    var earlyRetry: Bool {
        get { values.withLock { $0.earlyRetry } }
        set { values.withLock { $0.earlyRetry = newValue } }
    }
}
