import Dispatch
import Foundation
import Testing

@testable import PhoneStore

struct PhoneStoreConcurrencyTests {
    @Test func exactlyOneOfManyConcurrentCreatesWins() throws {
        try withStore { store, _ in
            try store.addAlice()
            let results = Collector<Result<PhoneMethod, any Error>>()
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                results.append(
                    Result {
                        try store.createPhoneMethod(userID: Fixture.aliceID, type: .mobile, number: "+1 \(index)")
                    })
            }
            let all = results.all
            #expect(all.count == 8)
            let winners = all.compactMap { try? $0.get() }
            #expect(winners.count == 1)
            for case .failure(let error) in all {
                guard case StoreError.rule(.phoneMethodOnePerType) = error else {
                    Issue.record("expected phoneMethodOnePerType, got \(error)")
                    continue
                }
            }
            #expect(try store.phoneMethods(userID: Fixture.aliceID) == winners)
        }
    }

    @Test func readsRunAlongsideWrites() throws {
        try withStore { store, _ in
            try store.addAlice()
            let errors = Collector<String>()
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                do {
                    for step in 0..<20 {
                        if index == 0 {
                            let type: PhoneType = step.isMultiple(of: 2) ? .office : .mobile
                            if try store.phoneMethod(userID: Fixture.aliceID, type: type) == nil {
                                _ = try store.createPhoneMethod(
                                    userID: Fixture.aliceID, type: type, number: "+1 \(step)")
                            } else {
                                try store.updatePhoneMethod(userID: Fixture.aliceID, type: type, number: "+1 \(step)")
                            }
                        } else {
                            let methods = try store.phoneMethods(userID: Fixture.aliceID)
                            if methods.count > 2 { errors.append("read \(methods.count) methods") }
                        }
                    }
                } catch {
                    errors.append("\(error)")
                }
            }
            #expect(errors.all == [])
            #expect(try store.phoneMethods(userID: Fixture.aliceID).map(\.type) == [.mobile, .office])
        }
    }

    /// The CLI and the server each open their own store on the same file; their writes interleave
    /// and wait for each other's lock instead of failing with SQLITE_BUSY.
    @Test func twoStoresOnOneFileInterleaveWrites() throws {
        try TemporaryDatabase.with { path in
            let first = try PhoneStore(path: path)
            let errors = Collector<String>()
            let perStore = 40
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do {
                    // The second store is opened while the first is already writing.
                    let store = index == 0 ? first : try PhoneStore(path: path)
                    for step in 0..<perStore {
                        let user = try store.addUser(userPrincipalName: "user\(index)-\(step)@contoso.com")
                        _ = try store.createPhoneMethod(userID: user.id, type: .mobile, number: "+1 \(step)")
                        try store.updatePhoneMethod(userID: user.id, type: .mobile, number: "+44 \(step)")
                        if step.isMultiple(of: 3) { try store.removeUser(key: user.id) }
                        _ = try store.users()
                    }
                } catch {
                    errors.append("store \(index): \(error)")
                }
            }
            #expect(errors.all == [])
            let removed = (0..<perStore).filter { $0.isMultiple(of: 3) }.count
            let users = try first.users()
            #expect(users.count == 2 * (perStore - removed))
            let db = try Database(path: path, readOnly: true)
            #expect(
                try db.scalarInt("SELECT count(*) FROM phone_method WHERE phone_number GLOB '+44 *'")
                    == Int64(users.count))
        }
    }

    /// A write's completion that lets the store go runs the store's deinit on the writer thread,
    /// whose `stop()` must not wait for that same thread to close the connection (it would wait
    /// forever). The write is committed, and the file opens again once the thread has ended.
    @Test func aStoreLetGoByAWritesCompletionDoesNotWaitForItself() throws {
        final class Holder: @unchecked Sendable {
            var store: PhoneStore?
        }
        try TemporaryDatabase.with { path in
            let holder = Holder()
            holder.store = try PhoneStore(path: path)
            let go = DispatchSemaphore(value: 0)
            let done = DispatchSemaphore(value: 0)
            holder.store?.submit(
                PendingWrite { db in
                    // Held until the test has dropped its own reference, so the completion's is the last.
                    go.wait()
                    try db.run(RawSQL.insertUser(Fixture.aliceID, "alice@contoso.com"))
                }
            ) { _ in
                holder.store = nil
                done.signal()
            }
            go.signal()
            #expect(done.wait(timeout: .now() + 30) == .success, "the writer waited for itself")
            let reopened = try PhoneStore(path: path)
            #expect(try reopened.users().map(\.id) == [Fixture.aliceID])
        }
    }
}
