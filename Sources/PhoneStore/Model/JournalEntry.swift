/// One row of the request journal: a Graph request and how it was answered. Holds no token, body,
/// query string or phone number; `path` is the path as sent, without the query.
public struct JournalEntry: Sendable, Equatable {
    /// The row id (grows by one per row, in the order rows are stored); nil until stored.
    public var id: Int64?
    /// The request's place in arrival order, taken when it arrived (`PhoneStore.takeJournalSequence`):
    /// the journal is listed by it, as rows are not stored in the order requests arrived.
    public var sequence: Int64
    /// When the request arrived, ISO 8601 UTC with milliseconds (`Timestamp.nowWithMilliseconds()`).
    public var at: String
    public var method: String
    public var path: String
    public var status: Int
    /// Graph's error code for an error answer.
    public var errorCode: String?
    public var requestID: String
    public var clientRequestID: String
    /// A delegated token's user (object id).
    public var callerUserID: String?
    /// An application token's app id.
    public var callerAppID: String?
    /// The user whose phones the request addressed, once resolved.
    public var targetUserID: String?
    /// The phone method the route named, or the one a create made.
    public var phoneMethodID: String?
    /// Microseconds from arrival until the answer was decided.
    public var durationMicroseconds: Int64
    /// A retry that came before Retry-After had elapsed (throttling sets it).
    public var earlyRetry: Bool
    /// The `$batch` request an inner request came from.
    public var batchID: String?
    /// Why a `403` was refused: the scopes, roles or directory roles that would have been
    /// accepted and what the caller had. Never a number or a token.
    public var explanation: String?

    public init(
        id: Int64? = nil, sequence: Int64, at: String, method: String, path: String, status: Int,
        errorCode: String? = nil, requestID: String, clientRequestID: String, callerUserID: String? = nil,
        callerAppID: String? = nil, targetUserID: String? = nil, phoneMethodID: String? = nil,
        durationMicroseconds: Int64 = 0, earlyRetry: Bool = false, batchID: String? = nil, explanation: String? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.at = at
        self.method = method
        self.path = path
        self.status = status
        self.errorCode = errorCode
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.callerUserID = callerUserID
        self.callerAppID = callerAppID
        self.targetUserID = targetUserID
        self.phoneMethodID = phoneMethodID
        self.durationMicroseconds = durationMicroseconds
        self.earlyRetry = earlyRetry
        self.batchID = batchID
        self.explanation = explanation
    }
}

/// Which journal rows a query wants, newest first. Every filter is optional; together they all
/// apply.
public struct JournalFilter: Sendable, Equatable {
    /// A user principal name or object id: rows where that user called or was addressed.
    public var user: String?
    /// An application's app id: rows of requests made with that app's own (app-only) token.
    public var app: String?
    /// The HTTP method, exactly (upper-case).
    public var method: String?
    /// The path as sent; `*` matches any run of characters (SQL GLOB, case-sensitive).
    public var pathPattern: String?
    public var status: Int?
    /// Rows that arrived at or after this ISO 8601 time with milliseconds.
    public var since: String?
    /// The most rows one page returns.
    public var top: Int
    /// Continue after this row (its id: the last row of the previous page), in arrival order.
    public var after: Int64?
    /// Only rows stored after the row with this id (ids grow as rows are stored, whenever they
    /// arrived): what a live view polls with, passing the largest id it has.
    public var storedAfter: Int64?

    public static let defaultTop = 100
    public static let maximumTop = 1000

    public init(
        user: String? = nil, app: String? = nil, method: String? = nil, pathPattern: String? = nil, status: Int? = nil,
        since: String? = nil, top: Int = defaultTop, after: Int64? = nil, storedAfter: Int64? = nil
    ) {
        self.user = user
        self.app = app
        self.method = method
        self.pathPattern = pathPattern
        self.status = status
        self.since = since
        self.top = top
        self.after = after
        self.storedAfter = storedAfter
    }
}
