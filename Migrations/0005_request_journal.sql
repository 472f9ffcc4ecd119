-- phone-service schema, version 5: the request journal.
--
-- One row per Graph request (not /healthz, not /_admin/): when it came, what it asked, how it was
-- answered and for whom. A write's row is inserted in the same transaction as the write (also when
-- the write was refused and rolled back), so the journal and the state never disagree; other rows
-- are buffered in memory and written in batches. Never stored: the query string (a `$filter` may
-- carry a number), headers other than the two request ids, tokens, bodies, phone numbers, error
-- messages (they may quote a number). Rows are pruned by count and age (`serve --journal-max-rows`,
-- `--journal-max-age`). `id` grows by one per row (no AUTOINCREMENT: pruning removes the oldest).
CREATE TABLE request_journal (
    id INTEGER PRIMARY KEY,
    -- When the request arrived: ISO 8601 UTC with milliseconds, "2026-11-21T10:00:00.123Z".
    at TEXT NOT NULL CONSTRAINT request_journal_at_format CHECK (
        length(at) = 24 AND at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'
    ),
    method TEXT NOT NULL,
    -- The path as sent, percent-encoding kept, without the query string.
    path TEXT NOT NULL,
    status INTEGER NOT NULL CONSTRAINT request_journal_status_range CHECK (status BETWEEN 100 AND 599),
    -- Graph's error code (`conflict`, `accessDenied`, ...) for an error answer, else NULL.
    error_code TEXT,
    request_id TEXT NOT NULL,
    client_request_id TEXT NOT NULL,
    -- The caller: a delegated token's user (object id) or an application token's app id; both NULL
    -- when no token was verified.
    caller_user_id TEXT,
    caller_app_id TEXT,
    -- The user whose phones the request addressed, once resolved.
    target_user_id TEXT,
    -- The phone method the route named, or the one a create made.
    phone_method_id TEXT,
    -- Microseconds from arrival until the answer was decided (for a write: before it reached the disk).
    duration_us INTEGER NOT NULL CONSTRAINT request_journal_duration_not_negative CHECK (duration_us >= 0),
    -- A retry that came before Retry-After had elapsed (set by throttling).
    early_retry INTEGER NOT NULL DEFAULT 0 CONSTRAINT request_journal_early_retry_is_boolean CHECK (early_retry IN (0, 1)),
    -- The id of the `$batch` request an inner request came from.
    batch_id TEXT,
    CONSTRAINT request_journal_one_caller CHECK (caller_user_id IS NULL OR caller_app_id IS NULL)
) STRICT;

-- Newest first, `since`, and pruning by age; the rowid in the index breaks ties in arrival order.
-- The only index: every index costs each request's insert, while the filters by user and status
-- walk this one newest first and stop at the page's end.
CREATE INDEX request_journal_by_time ON request_journal (at);
