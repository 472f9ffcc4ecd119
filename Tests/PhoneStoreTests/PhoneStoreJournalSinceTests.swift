import Testing

@testable import PhoneStore

/// `since` selects by arrival time while the journal is listed by arrival number; the two disagree
/// when the clock steps back, and a `since` page still holds exactly the rows at or after it.
@Suite struct PhoneStoreJournalSinceTests {
    /// The request numbered first arrived at the latest time (the clock stepped back after it); the
    /// rows after it in number are `before` rows older than `since`, then `after` rows at or after it.
    /// With few rows at or after `since` the query bounds the numbers it walks by theirs, with many
    /// (past `sinceBoundRows`) it does not: both list the same rows as a filter in Swift does.
    @Test(arguments: [3, PhoneStore.sinceBoundRows + 5])
    func sinceListsEveryRowAtOrAfterItWhateverItsNumber(after: Int) throws {
        try withStore { store, _ in
            let before = 20
            var entries = [PhoneStoreJournalTests.entry(100_000)]
            entries += (0..<before).map { PhoneStoreJournalTests.entry(0, millisecond: $0) }
            entries += (0..<after).map { PhoneStoreJournalTests.entry(10, millisecond: $0) }
            for index in entries.indices { entries[index].sequence = Int64(index + 1) }
            try PhoneStoreJournalTests.insert(entries, into: store)

            let since = Timestamp.format(milliseconds: 1_800_000_010_000)
            var filter = JournalFilter(since: since, top: JournalFilter.maximumTop)
            var listed: [Int64] = []
            while true {
                let page = try store.journalEntries(filter)
                listed += page.entries.map(\.sequence)
                guard page.more, let last = page.entries.last?.id else { break }
                filter.after = last
            }
            let expected = entries.filter { $0.at >= since }.map(\.sequence).reversed()
            #expect(listed.elementsEqual(expected), "\(listed.count) rows listed, \(expected.count) expected")
            #expect(listed.count == after + 1 && listed.last == 1, "the row numbered first is listed last")
        }
    }
}
