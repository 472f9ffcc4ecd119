-- phone-service schema, version 13: the request journal in true arrival order.
--
-- Rows were listed by arrival time to the millisecond, then by id. But a write's row is stored in
-- the write's transaction while the rows of reads and refusals are buffered and stored up to
-- 100 ms later, so of two requests that arrived in the same millisecond, a refusal and the write
-- that followed it, the write's row had the smaller id and was listed as if it came first. Each
-- request now takes a number when it arrives (a counter in the service, one per tenant file, that
-- starts above the largest number the file holds), and the journal is listed by that number.
--
-- `seq` is NOT NULL, which `ALTER TABLE ... ADD COLUMN` can give only with a default; so the table
-- is rebuilt: the old one renamed, the new one created under the name, the rows copied, the old one
-- dropped (nothing else refers to it: no foreign key, trigger or view). The rows stored before this
-- version are numbered 1, 2, ... in the order they were listed in, by `at` then `id`; their `id`
-- is kept, so `afterId` and `skipToken` values stay valid. The old table's pages stay in the file
-- as free pages, which later writes reuse.

DROP INDEX request_journal_by_time;
ALTER TABLE request_journal RENAME TO request_journal_before_13;

-- One row per Graph request (not /healthz, not /_admin/): when it came, what it asked, how it was
-- answered and for whom (migrations 5 and 10 say what is never stored). `id` grows by one per row
-- stored, in the order rows are stored (no AUTOINCREMENT: pruning removes the oldest).
CREATE TABLE request_journal (
    id INTEGER PRIMARY KEY,
    -- The request's place in arrival order: a number taken when it arrived, larger for a later
    -- request of the same tenant, across restarts too; the journal is listed by it.
    seq INTEGER NOT NULL CONSTRAINT request_journal_seq_positive CHECK (seq > 0),
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
    -- For a 403: the scopes, roles or directory roles that would have been accepted and what the
    -- caller had (migration 10).
    explanation TEXT,
    CONSTRAINT request_journal_one_caller CHECK (caller_user_id IS NULL OR caller_app_id IS NULL)
) STRICT;

INSERT INTO request_journal (id, seq, at, method, path, status, error_code, request_id, client_request_id,
    caller_user_id, caller_app_id, target_user_id, phone_method_id, duration_us, early_retry, batch_id, explanation)
SELECT id, row_number() OVER (ORDER BY at, id), at, method, path, status, error_code, request_id, client_request_id,
    caller_user_id, caller_app_id, target_user_id, phone_method_id, duration_us, early_retry, batch_id, explanation
FROM request_journal_before_13;

DROP TABLE request_journal_before_13;

-- `since` and pruning by age walk this one, as before.
CREATE INDEX request_journal_by_time ON request_journal (at);
-- The listing, newest first; the rowid in the index breaks a tie (two service processes on one
-- file) in storage order. A second index costs each row's insert one more B-tree, whose new
-- entries all go to its last page, as the time index's do.
CREATE INDEX request_journal_by_arrival ON request_journal (seq);
