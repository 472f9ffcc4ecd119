import Foundation

extension PhoneStore {
    /// Whether requests are journaled (`serve --journal on`).
    public var keepsJournal: Bool { journal.settings.enabled }

    /// The arrival number of a request that just arrived (`JournalEntry.sequence`): one atomic
    /// increment, larger than every number this store's file holds or handed out before.
    public func takeJournalSequence() -> Int64 { journal.nextSequence() }

    /// The largest arrival number the file holds, 0 for none (one step down the index).
    static func largestJournalSequence(in db: Database) throws -> Int64 {
        try db.scalarInt("SELECT max(seq) FROM request_journal") ?? 0
    }

    /// Records the entry of a write in the write's own transaction (on the writer thread, from the
    /// write's job), so the row commits (or is lost) with the write it describes.
    static func record(_ entry: JournalEntry, journal: RequestJournal, in db: Database) throws {
        guard journal.settings.enabled else { return }
        try insert(entry, in: db)
    }

    /// Records the entry of a request that wrote nothing, without waiting: it is buffered and
    /// written within `RequestJournal.flushInterval`, with others, in one write.
    public func recordLater(_ entry: JournalEntry) {
        guard journal.settings.enabled else { return }
        switch journal.buffer(entry) {
        case .nothing:
            break
        case .flushNow:
            submitJournalFlush(prune: false)
        case .flushLater:
            DispatchQueue.global().asyncAfter(deadline: .now() + RequestJournal.flushInterval) { [weak self] in
                guard let self, self.journal.timerFired() else { return }
                self.submitJournalFlush(prune: false)
            }
        }
    }

    /// Writes the buffered entries now and returns after their commit.
    public func flushJournal() throws(StoreError) {
        guard journal.settings.enabled else { return }
        try perform(.flushJournal(journal, prune: false))
    }

    /// Queues a flush for the writer thread and returns at once; pruning rides on a flush job, as
    /// with writes alone no flush would ever run.
    func submitJournalFlush(prune: Bool) {
        submit(.flushJournal(journal, prune: prune)) { _ in }
    }

    /// Inserts the buffered entries, `journalRowsPerInsert` rows a statement; prunes too when asked
    /// or when it is time.
    static func flush(_ journal: RequestJournal, prune: Bool, in db: Database) throws {
        let entries = journal.take()
        var start = entries.startIndex
        while start < entries.endIndex {
            let chunk = entries[start..<min(start + journalRowsPerInsert, entries.endIndex)]
            start = chunk.endIndex
            if chunk.count == journalRowsPerInsert {
                do {
                    try db.run(insertChunkSQL) { statement throws(SQLiteError) in
                        var index: Int32 = 1
                        for entry in chunk { try bind(entry, to: statement, from: &index) }
                    }
                    continue
                } catch {
                    // A lost transaction ends the flush; a row the schema refuses fails its whole
                    // statement (undone alone), so its chunk goes again row by row, below.
                    if db.isAutocommit { throw error }
                }
            }
            for entry in chunk {
                do {
                    try insert(entry, in: db)
                } catch {
                    // A row the schema refuses is dropped alone; a lost transaction ends the flush.
                    if db.isAutocommit { throw error }
                }
            }
        }
        if prune || journal.pruneDue() {
            // Behind (more rows arrive than one run deletes): the next flush prunes again.
            if try Self.prune(journal.settings, in: db) { journal.pruneAgain() }
        }
    }

    /// Rows per INSERT of a flush: a statement of many rows costs SQLite less a row than one per
    /// row, and more than 16 saves little more.
    public static let journalRowsPerInsert = 16

    private static let insertColumns = """
        INSERT INTO request_journal (seq, at, method, path, status, error_code, request_id, client_request_id,
            caller_user_id, caller_app_id, target_user_id, phone_method_id, duration_us, early_retry, batch_id,
            explanation)
        VALUES
        """
    private static let insertRow =
        "(" + Array(repeating: "?", count: Int(columnsPerRow)).joined(separator: ", ") + ")"
    private static let insertSQL = "\(insertColumns) \(insertRow)"
    private static let insertChunkSQL =
        "\(insertColumns) " + Array(repeating: insertRow, count: journalRowsPerInsert).joined(separator: ", ")

    /// One row, by one cached prepared statement.
    static func insert(_ entry: JournalEntry, in db: Database) throws {
        try db.run(insertSQL) { statement throws(SQLiteError) in
            var index: Int32 = 1
            try bind(entry, to: statement, from: &index)
        }
    }

    /// Binds an entry's values, in `insertColumns`' order, to parameters `index`... (and moves
    /// `index` past them).
    private static func bind(_ entry: JournalEntry, to statement: Statement, from index: inout Int32)
        throws(SQLiteError)
    {
        try statement.bind(entry.sequence, at: index)
        try statement.bind(entry.at, at: index + 1)
        try statement.bind(entry.method, at: index + 2)
        try statement.bind(entry.path, at: index + 3)
        try statement.bind(Int64(entry.status), at: index + 4)
        try statement.bind(entry.errorCode, at: index + 5)
        try statement.bind(entry.requestID, at: index + 6)
        try statement.bind(entry.clientRequestID, at: index + 7)
        try statement.bind(entry.callerUserID, at: index + 8)
        try statement.bind(entry.callerAppID, at: index + 9)
        try statement.bind(entry.targetUserID, at: index + 10)
        try statement.bind(entry.phoneMethodID, at: index + 11)
        try statement.bind(max(0, entry.durationMicroseconds), at: index + 12)
        try statement.bind(entry.earlyRetry ? 1 : 0, at: index + 13)
        try statement.bind(entry.batchID, at: index + 14)
        try statement.bind(entry.explanation, at: index + 15)
        index += columnsPerRow
    }

    /// The columns of `insertColumns`, each bound by `bind(_:to:from:)`.
    private static let columnsPerRow: Int32 = 16

    /// Deletes the oldest rows past `maximumRows` and the rows older than `maximumAgeSeconds`, at
    /// most `RequestJournal.pruneLimit` of each per call; true when a limit was reached (rows may be
    /// left to prune). Ids grow by one per row and pruning takes the oldest, so
    /// `max(id) - maximumRows` is the newest id to go.
    @discardableResult
    static func prune(_ settings: JournalSettings, in db: Database, now: Date = Date()) throws -> Bool {
        try db.run(
            """
            DELETE FROM request_journal WHERE id IN (SELECT id FROM request_journal
                WHERE id <= (SELECT max(id) FROM request_journal) - ? ORDER BY id LIMIT ?)
            """, [.integer(Int64(settings.maximumRows)), .integer(Int64(RequestJournal.pruneLimit))])
        var behind = db.changes >= RequestJournal.pruneLimit
        let cutoff = Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) - Int64(settings.maximumAgeSeconds) * 1000
        try db.run(
            "DELETE FROM request_journal WHERE id IN (SELECT id FROM request_journal WHERE at < ? ORDER BY at LIMIT ?)",
            [.text(Timestamp.format(milliseconds: cutoff)), .integer(Int64(RequestJournal.pruneLimit))])
        behind = behind || db.changes >= RequestJournal.pruneLimit
        return behind
    }

    /// Prunes now (tests), one run of at most `RequestJournal.pruneLimit` rows per limit; true when
    /// rows may be left to prune.
    @discardableResult
    public func pruneJournal(now: Date = Date()) throws(StoreError) -> Bool {
        let settings = journal.settings
        return try perform(PendingWrite { db in try Self.prune(settings, in: db, now: now) })
    }

    /// The most rows a `since` filter's bound on the arrival number looks at (journalEntries).
    static let sinceBoundRows = 1000

    /// One page of journal rows, newest first (by arrival number; then by id, should two processes
    /// have numbered rows of one file alike), and whether more follow.
    public func journalEntries(_ filter: JournalFilter) throws(StoreError) -> (entries: [JournalEntry], more: Bool) {
        try read { db in
            var conditions: [String] = []
            var values: [SQLiteValue] = []
            if let user = filter.user {
                // A user that no longer exists is still found by the object id the rows hold.
                let id = try Self.user(key: user, in: db)?.id ?? user.lowercased()
                conditions.append("(caller_user_id = ? OR target_user_id = ?)")
                values += [.text(id), .text(id)]
            }
            if let app = filter.app {
                conditions.append("caller_app_id = ?")
                values.append(.text(app))
            }
            if let method = filter.method {
                conditions.append("method = ?")
                values.append(.text(method))
            }
            if let pattern = filter.pathPattern {
                conditions.append("path GLOB ?")
                values.append(.text(Self.globPattern(pattern)))
            }
            if let status = filter.status {
                conditions.append("status = ?")
                values.append(.integer(Int64(status)))
            }
            if let since = filter.since {
                conditions.append("at >= ?")
                // A bound that changes no result (a row at or after `since` has a seq at least the
                // least of theirs) and lets SQLite stop its walk down the arrival index there when few
                // rows qualify. The least is read through the time index, which holds them together;
                // when many qualify the walk from the newest fills its page soon, so the bound is 0.
                conditions.append(
                    """
                    seq >= (SELECT CASE WHEN count(*) > ? THEN 0 ELSE min(seq) END FROM (SELECT seq \
                    FROM request_journal INDEXED BY request_journal_by_time WHERE at >= ? LIMIT ?))
                    """)
                let rows = Int64(Self.sinceBoundRows)
                values += [.text(since), .integer(rows), .text(since), .integer(rows + 1)]
            }
            if let storedAfter = filter.storedAfter {
                conditions.append("id > ?")
                values.append(.integer(storedAfter))
            }
            if let after = filter.after {
                // Rows after the anchor in (seq, id) order; none when the anchor was pruned.
                conditions.append("(seq, id) < (SELECT seq, id FROM request_journal WHERE id = ?)")
                values.append(.integer(after))
            }
            let top = max(1, filter.top)
            values.append(.integer(Int64(top + 1)))
            let sql = """
                SELECT id, seq, at, method, path, status, error_code, request_id, client_request_id,
                    caller_user_id, caller_app_id, target_user_id, phone_method_id, duration_us, early_retry,
                    batch_id, explanation
                FROM request_journal \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY seq DESC, id DESC LIMIT ?
                """
            var entries: [JournalEntry] = []
            try db.query(sql, values) { row in
                entries.append(
                    JournalEntry(
                        id: row.int(0), sequence: row.int(1), at: row.text(2) ?? "", method: row.text(3) ?? "",
                        path: row.text(4) ?? "", status: Int(row.int(5)), errorCode: row.text(6),
                        requestID: row.text(7) ?? "", clientRequestID: row.text(8) ?? "", callerUserID: row.text(9),
                        callerAppID: row.text(10), targetUserID: row.text(11), phoneMethodID: row.text(12),
                        durationMicroseconds: row.int(13), earlyRetry: row.int(14) != 0, batchID: row.text(15),
                        explanation: row.text(16)))
            }
            let more = entries.count > top
            if more { entries.removeLast() }
            return (entries, more)
        }
    }

    /// A path pattern where only `*` is special, as a GLOB pattern: `?` and `[` match themselves.
    static func globPattern(_ pattern: String) -> String {
        var glob = ""
        for character in pattern {
            switch character {
            case "[": glob += "[[]"
            case "?": glob += "[?]"
            default: glob.append(character)
            }
        }
        return glob
    }
}

extension PendingWrite where Value == Void {
    /// Writes the rows `store`'s journal holds in its buffer.
    public static func flushJournal(of store: PhoneStore) -> PendingWrite {
        flushJournal(store.journal, prune: false)
    }

    /// Writes the journal's buffered entries (pruning too when asked, or when it is time).
    static func flushJournal(_ journal: RequestJournal, prune: Bool) -> PendingWrite {
        PendingWrite { db in try PhoneStore.flush(journal, prune: prune, in: db) }
    }
}
