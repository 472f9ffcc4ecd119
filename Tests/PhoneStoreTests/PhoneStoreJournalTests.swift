import Foundation
import Synchronization
import Testing

@testable import PhoneStore

/// The request journal in the store: rows in, filtered pages out newest first, retention, the
/// buffer of entries that go with no write, and a write's row in the write's own transaction.
@Suite struct PhoneStoreJournalTests {
    static func entry(
        _ second: Int, method: String = "GET", path: String = "/v1.0/me/authentication/phoneMethods",
        status: Int = 200, caller: String? = Fixture.aliceID, target: String? = Fixture.aliceID,
        millisecond: Int = 0
    ) -> JournalEntry {
        // Numbered as if the requests had arrived in the order of their times.
        JournalEntry(
            sequence: Int64(second) * 1000 + Int64(millisecond) + 1,
            at: Timestamp.format(milliseconds: Int64(1_800_000_000 + second) * 1000 + Int64(millisecond)),
            method: method, path: path, status: status, errorCode: status >= 400 ? "conflict" : nil,
            requestID: UUID().uuidString.lowercased(), clientRequestID: "client-\(second)", callerUserID: caller,
            targetUserID: target, durationMicroseconds: 120)
    }

    /// Writes `entries` through the writer, as a write's settle would.
    static func insert(_ entries: [JournalEntry], into store: PhoneStore) throws {
        try store.write { db in for entry in entries { try store.record(entry, in: db) } }
    }

    static func all(_ store: PhoneStore, _ filter: JournalFilter = JournalFilter(top: JournalFilter.maximumTop)) throws
        -> [JournalEntry]
    {
        try store.journalEntries(filter).entries
    }

    @Test func timestampsCarryMilliseconds() {
        #expect(Timestamp.format(milliseconds: 1_800_000_000_007) == "2027-01-15T08:00:00.007Z")
        #expect(Timestamp.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        let now = Timestamp.nowWithMilliseconds()
        #expect(now.utf8.count == 24 && now.hasSuffix("Z") && now.dropFirst(19).first == ".", "\(now)")
    }

    @Test func rowsComeBackNewestFirstWithEveryField() throws {
        try withStore { store, _ in
            var first = Self.entry(1)
            first.phoneMethodID = PhoneType.mobile.methodID
            first.earlyRetry = true
            first.batchID = "batch-1"
            let second = Self.entry(2, method: "POST", status: 409, caller: nil, target: Fixture.bobID)
            try Self.insert([first, second], into: store)
            let rows = try Self.all(store)
            #expect(rows.map(\.requestID) == [second.requestID, first.requestID])
            var expected = first
            expected.id = rows.last?.id
            #expect(rows.last == expected)
            #expect(rows.first?.errorCode == "conflict" && rows.first?.callerUserID == nil)
        }
    }

    @Test func filtersByUserMethodPathStatusAndSince() throws {
        try withStore { store, _ in
            try store.addAlice()
            try store.addBob()
            let bobPath = "/v1.0/users/bob%40contoso.com/authentication/phoneMethods"
            try Self.insert(
                [
                    Self.entry(1),
                    Self.entry(2, method: "POST", path: bobPath, status: 201, target: Fixture.bobID),
                    Self.entry(3, method: "POST", path: bobPath, status: 409, target: Fixture.bobID),
                    Self.entry(4, path: "/v1.0/users/x?y/authentication/phoneMethods", caller: nil, target: nil),
                    Self.entry(5, method: "DELETE", caller: Fixture.bobID, target: Fixture.bobID),
                ], into: store)
            func seconds(_ filter: JournalFilter) throws -> [String] {
                try Self.all(store, filter).map { String($0.clientRequestID.dropFirst("client-".count)) }
            }
            // `user` is a UPN (any case) or an id, and matches the caller or the target.
            #expect(try seconds(JournalFilter(user: "ALICE@contoso.com")) == ["3", "2", "1"])
            #expect(try seconds(JournalFilter(user: Fixture.bobID)) == ["5", "3", "2"])
            #expect(try seconds(JournalFilter(user: Fixture.unknownID)) == [])
            #expect(try seconds(JournalFilter(method: "POST")) == ["3", "2"])
            #expect(try seconds(JournalFilter(pathPattern: "/v1.0/users/*")) == ["4", "3", "2"])
            #expect(try seconds(JournalFilter(pathPattern: "/v1.0/users/bob*")) == ["3", "2"])
            // Only `*` is special: `?` matches itself.
            #expect(try seconds(JournalFilter(pathPattern: "/v1.0/users/x?y/*")) == ["4"])
            #expect(try seconds(JournalFilter(pathPattern: "/v1.0/users/b?b*")) == [])
            #expect(try seconds(JournalFilter(status: 409)) == ["3"])
            let since = Timestamp.format(milliseconds: 1_800_000_004_000)
            #expect(try seconds(JournalFilter(since: since)) == ["5", "4"])
            #expect(try seconds(JournalFilter(method: "POST", status: 201)) == ["2"])
        }
    }

    @Test func pagesFollowArrivalOrderNotInsertOrder() throws {
        try withStore { store, _ in
            // A read buffered before a write is inserted after it, with a larger id.
            try Self.insert((0..<5).map { Self.entry(10 + $0 * 2) }, into: store)
            try Self.insert((0..<5).map { Self.entry(11 + $0 * 2) }, into: store)
            var filter = JournalFilter(top: 3)
            var pages: [[String]] = []
            while true {
                let page = try store.journalEntries(filter)
                pages.append(page.entries.map(\.clientRequestID))
                guard page.more, let last = page.entries.last?.id else { break }
                filter.after = last
            }
            #expect(pages.flatMap { $0 } == (10..<20).reversed().map { "client-\($0)" })
            #expect(pages.map(\.count) == [3, 3, 3, 1])
        }
    }

    /// A refusal and the write that followed it, in the same millisecond: the write's row is stored
    /// first (in the write's transaction), the refusal's when the buffer is flushed, and the listing
    /// still has them in the order they arrived (by time and id it had the write first).
    @Test func rowsOfOneMillisecondAreListedInArrivalOrderNotStorageOrder() throws {
        try withStore { store, _ in
            var refusal = Self.entry(1, method: "POST", status: 503)
            refusal.sequence = store.takeJournalSequence()
            var write = Self.entry(1, method: "POST", status: 201)
            write.sequence = store.takeJournalSequence()
            #expect(refusal.at == write.at && refusal.sequence < write.sequence)
            try Self.insert([write], into: store)
            store.recordLater(refusal)
            try store.flushJournal()
            let rows = try Self.all(store)
            #expect(rows.map(\.status) == [201, 503], "newest first")
            #expect(rows.map(\.sequence) == [write.sequence, refusal.sequence])
            let (writeID, refusalID) = (try #require(rows.first?.id), try #require(rows.last?.id))
            #expect(writeID < refusalID, "the write's row was stored first")
            // A page of one row, then the next page after it, in the same order.
            let first = try store.journalEntries(JournalFilter(top: 1))
            #expect(first.entries.map(\.status) == [201] && first.more)
            let second = try store.journalEntries(JournalFilter(top: 1, after: writeID))
            #expect(second.entries.map(\.status) == [503] && !second.more)
            #expect(try store.journalEntries(JournalFilter(top: 1, after: refusalID)).entries.isEmpty)
        }
    }

    /// Numbers taken concurrently are all different, and each is larger than every number taken
    /// before it on any thread (a refusal answered before the next request arrives is numbered first).
    @Test func arrivalNumbersAreUniqueAndGrow() throws {
        try withStore { store, _ in
            let numbers = Mutex<[Int64]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                var mine: [Int64] = []
                for _ in 0..<1000 { mine.append(store.takeJournalSequence()) }
                #expect(mine == mine.sorted() && Set(mine).count == mine.count)
                numbers.withLock { $0 += mine }
            }
            #expect(numbers.withLock { $0.sorted() } == Array(1...8000))
        }
    }

    /// A store numbers on from the largest number its file holds: after a restart, and after a
    /// snapshot brought back rows numbered higher than this run got to.
    @Test func arrivalNumbersKeepGrowingAcrossRestartsAndRestores() throws {
        try TemporaryDatabase.with { path in
            let snapshot = TemporaryDatabase.makePath()
            defer { TemporaryDatabase.remove(snapshot) }
            var store = try PhoneStore(path: path)
            var entries = (0..<3).map { Self.entry($0) }
            for index in entries.indices { entries[index].sequence = store.takeJournalSequence() }
            try Self.insert(entries, into: store)
            #expect(entries.map(\.sequence) == [1, 2, 3])
            store.close()

            store = try PhoneStore(path: path)
            #expect(store.takeJournalSequence() == 4)
            try store.backup(to: snapshot)
            try store.reset(ResetScope())
            store.close()
            // An empty journal: the next run starts again at 1, until the snapshot's rows are back.
            store = try PhoneStore(path: path)
            #expect(store.takeJournalSequence() == 1)
            try store.restoreLive(from: snapshot)
            let next = store.takeJournalSequence()
            #expect(next == 4, "above the restored rows' 3")
            var later = Self.entry(0)
            later.sequence = next
            try Self.insert([later], into: store)
            #expect(try Self.all(store).map(\.sequence) == [4, 3, 2, 1])
            store.close()
        }
    }

    /// Rows stored before version 13 get numbers in the order they were listed in (time, then id),
    /// keep their ids, and come before every new row.
    @Test func rowsStoredBeforeArrivalNumbersKeepTheirOrder() throws {
        try TemporaryDatabase.with { path in
            let before = Migrator(migrations: Migration.embedded.filter { $0.version < 13 })
            // A file as version 12 left it (a store would read the arrival numbers it lacks).
            do {
                let db = try Database(path: path)
                try before.migrate(db)
                // Ids 1 and 3 arrived in the same millisecond, id 2 a millisecond later.
                for (id, millisecond) in [(1, 5), (2, 6), (3, 5)] as [(Int64, Int64)] {
                    try db.run(
                        """
                        INSERT INTO request_journal (id, at, method, path, status, request_id, client_request_id,
                            duration_us)
                        VALUES (?, ?, 'GET', '/v1.0/me/authentication/phoneMethods', 200, ?, '', 1)
                        """,
                        [
                            .integer(id), .text(Timestamp.format(milliseconds: 1_800_000_000_000 + millisecond)),
                            .text("old-\(id)"),
                        ])
                }
            }

            let store = try PhoneStore(path: path)
            #expect(store.schemaVersion >= 13)
            let migrated = try Self.all(store)
            #expect(migrated.map(\.requestID) == ["old-2", "old-3", "old-1"])
            #expect(migrated.map(\.sequence) == [3, 2, 1])
            #expect(migrated.map(\.id) == [2, 3, 1])
            var new = Self.entry(0)
            new.sequence = store.takeJournalSequence()
            #expect(new.sequence == 4)
            try Self.insert([new], into: store)
            #expect(try Self.all(store).map(\.requestID) == [new.requestID, "old-2", "old-3", "old-1"])
            store.close()
        }
    }

    @Test func retentionKeepsTheNewestRowsAndDropsOldOnes() throws {
        try TemporaryDatabase.with { path in
            let store = try PhoneStore(path: path, journal: JournalSettings(maximumRows: 4, maximumAgeSeconds: 60))
            let now = Date(timeIntervalSince1970: 1_800_000_100)
            // Seconds 0..<10 of 1_800_000_000: all older than 60 s at `now` but the last four.
            try Self.insert((0..<6).map { Self.entry($0) }, into: store)
            try Self.insert((0..<4).map { Self.entry(60 + $0 * 10) }, into: store)
            try store.pruneJournal(now: now)
            // The count keeps the four newest rows; their ages (40 to 10 s before `now`) are in bounds.
            #expect(try Self.all(store).map(\.clientRequestID) == ["client-90", "client-80", "client-70", "client-60"])
            try store.pruneJournal(now: now.addingTimeInterval(25))
            #expect(try Self.all(store).map(\.clientRequestID) == ["client-90", "client-80", "client-70"])
        }
    }

    /// More rows than one pruning run deletes: each flush prunes again until the journal is back
    /// within `maximumRows` (one run a second could not keep up with a benchmark's request rate).
    @Test func retentionCatchesUpWithABacklogLargerThanOneRun() throws {
        try TemporaryDatabase.with { path in
            let store = try PhoneStore(path: path, journal: JournalSettings(maximumRows: 100))
            let backlog = 2 * JournalSettings.rowsPrunedPerRun + 500
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try store.write { db in
                for index in 0..<backlog {
                    var entry = Self.entry(0)
                    entry.at = Timestamp.format(milliseconds: now + Int64(index / 100))
                    try store.record(entry, in: db)
                }
            }
            func count() throws -> Int64 {
                try store.read { db in try db.scalarInt("SELECT count(*) FROM request_journal") } ?? -1
            }
            var counts: [Int64] = []
            for _ in 0..<4 {
                try store.flushJournal()
                counts.append(try count())
            }
            #expect(counts.last == 100, "\(counts)")
            // Each run deletes at most the limit: it took more than one flush, and fewer than four.
            let afterOneRun = Int64(backlog - JournalSettings.rowsPrunedPerRun)
            #expect(counts.first! > 100 && counts.first! <= afterOneRun, "\(counts)")
            #expect(counts.filter { $0 == 100 }.count >= 2, "\(counts)")
        }
    }

    @Test func bufferedEntriesAreWrittenByAFlushTheTimerAndTeardown() throws {
        try TemporaryDatabase.with { path in
            var store: PhoneStore? = try PhoneStore(path: path)
            store?.recordLater(Self.entry(1))
            try store?.flushJournal()
            #expect(try Self.all(try #require(store)).count == 1)
            // Without a flush, within about the flush interval.
            store?.recordLater(Self.entry(2))
            let deadline = ContinuousClock.now + .seconds(10)
            while try Self.all(try #require(store)).count < 2 && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            #expect(try Self.all(try #require(store)).count == 2)
            // Letting the store go writes what is still buffered.
            store?.recordLater(Self.entry(3))
            store = nil
            let reopened = try PhoneStore(path: path)
            #expect(try Self.all(reopened).map(\.clientRequestID) == ["client-3", "client-2", "client-1"])
        }
    }

    @Test func manyBufferedEntriesAreWrittenInBatches() throws {
        try withStore { store, _ in
            let count = 1000
            DispatchQueue.concurrentPerform(iterations: count) {
                store.recordLater(Self.entry($0 % 50, millisecond: $0))
            }
            try store.flushJournal()
            #expect(try store.read { db in try db.scalarInt("SELECT count(*) FROM request_journal") } == Int64(count))
        }
    }

    /// A flush inserts whole chunks of rows a statement and the rest one by one; a row the schema
    /// refuses (a status outside 100–599) is dropped alone, also from a chunk, and every other row
    /// lands, in arrival order.
    @Test(arguments: [nil, 0, 5, 16, 35])
    func aFlushWritesEveryRowButOneTheSchemaRefuses(refused: Int?) throws {
        try withStore { store, _ in
            let count = 2 * PhoneStore.journalRowsPerInsert + 8
            for index in 0..<count {
                store.recordLater(Self.entry(index, status: index == refused ? 99 : 200))
            }
            try store.flushJournal()
            let expected = (0..<count).filter { $0 != refused }.map { "client-\($0)" }
            #expect(try Self.all(store).map(\.clientRequestID).reversed() == expected)
            let ids = try store.read { db in
                var ids: [Int64] = []
                try db.query("SELECT id FROM request_journal ORDER BY id") { ids.append($0.int(0)) }
                return ids
            }
            #expect(ids == Array(1...Int64(expected.count)), "one id per row, in arrival order")
        }
    }

    @Test func aWritesRowCommitsWithItEvenWhenTheWriteIsRefused() throws {
        try withStore { store, _ in
            try store.addAlice()
            let statuses = Mutex<[Int]>([])
            let done = DispatchSemaphore(value: 0)
            for (index, type) in [PhoneType.alternateMobile, .mobile].enumerated() {
                let write = PendingWrite.createPhoneMethod(userID: Fixture.aliceID, type: type, number: "+1 5")
                    .journaled { result in
                        Self.entry(index, method: "POST", status: (try? result.get()) == nil ? 409 : 201)
                    }
                store.submit(write) { result in
                    statuses.withLock { $0.append((try? result.get()) == nil ? 409 : 201) }
                    done.signal()
                }
            }
            done.wait()
            done.wait()
            #expect(statuses.withLock { $0.sorted() } == [201, 409])
            #expect(try Self.all(store).map(\.status) == [201, 409])
            #expect(try store.phoneMethods(userID: Fixture.aliceID).map(\.type) == [.mobile])
        }
    }

    /// A journal function that throws undoes its write, and the write still answers (an error).
    @Test func aJournalFunctionThatThrowsUndoesTheWriteAndStillAnswers() throws {
        struct Refused: Error {}
        try withStore { store, _ in
            try store.addAlice()
            let done = DispatchSemaphore(value: 0)
            let answer = Mutex<Result<PhoneMethod, StoreError>?>(nil)
            let write = PendingWrite.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 5")
                .journaled { _ -> JournalEntry? in throw Refused() }
            store.submit(write) { result in
                answer.withLock { $0 = result }
                done.signal()
            }
            #expect(done.wait(timeout: .now() + 10) == .success, "the write answered")
            guard case .failure(.journalFailed(let reason)) = answer.withLock({ $0 }) else {
                Issue.record("expected journalFailed, got \(String(describing: answer.withLock { $0 }))")
                return
            }
            #expect(reason.contains("Refused"))
            #expect(try store.phoneMethods(userID: Fixture.aliceID).isEmpty)
            try store.flushJournal()
            #expect(try Self.all(store).isEmpty)
        }
    }

    @Test func aJournalSwitchedOffRecordsNothing() throws {
        try TemporaryDatabase.with { path in
            let store = try PhoneStore(path: path, journal: .off)
            try Self.insert([Self.entry(1)], into: store)
            store.recordLater(Self.entry(2))
            try store.flushJournal()
            #expect(try Self.all(store).isEmpty)
        }
    }

    @Test func resetClearsTheJournalUnlessKept() throws {
        try withStore { store, _ in
            try Self.insert([Self.entry(1)], into: store)
            store.recordLater(Self.entry(2))
            try store.reset(ResetScope(keepJournal: true))
            #expect(try Self.all(store).count == 2)
            store.recordLater(Self.entry(3))
            try store.reset(ResetScope())
            try store.flushJournal()
            #expect(try Self.all(store).isEmpty)
        }
    }

    @Test func sqlite3ShellQueriesTheJournal() throws {
        try withStore { store, path in
            try Self.insert(
                [
                    Self.entry(1), Self.entry(2, method: "POST", status: 409),
                    Self.entry(3, method: "POST", status: 201),
                ],
                into: store)
            let shell = try SQLiteShell.run([
                "-readonly", path,
                "SELECT method, status, error_code FROM request_journal WHERE method = 'POST' ORDER BY seq DESC",
            ])
            #expect(shell.status == 0, "\(shell.standardError)")
            #expect(shell.standardOutput == "POST|201|\nPOST|409|conflict\n")
            let write = try SQLiteShell.run(["-readonly", path, "DELETE FROM request_journal"])
            #expect(write.status != 0 && write.standardError.contains("readonly"), "\(write.standardError)")
        }
    }
}
