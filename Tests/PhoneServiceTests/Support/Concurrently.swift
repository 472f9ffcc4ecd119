import Foundation

/// Runs `body(0..<count)` on `count` threads of its own that start together (each waits at a gate
/// until all are ready), so their requests reach the server at about the same moment. Returns the
/// results in index order; throws when a thread has not finished by the deadline.
func concurrently<T: Sendable>(
    _ count: Int, timeout: Duration = .seconds(30), _ body: @escaping @Sendable (Int) throws -> T
) throws -> [Result<T, any Error>] {
    let results = Locked([Result<T, any Error>?](repeating: nil, count: count))
    let gate = StartGate(parties: count)
    let finished = DispatchGroup()
    for index in 0..<count {
        finished.enter()
        let thread = Thread {
            gate.arriveAndWait()
            let result = Result { try body(index) }
            results.withLock { $0[index] = result }
            finished.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
    guard finished.wait(timeout: .now() + seconds) == .success else { throw ConcurrencyFailure.timedOut }
    return results.withLock { $0.map { $0 ?? .failure(ConcurrencyFailure.timedOut) } }
}

enum ConcurrencyFailure: Error { case timedOut }

/// A value behind a lock, for results written from several threads.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try lock.withLock { try body(&value) }
    }
}

/// Releases all parties at once when the last one arrives.
final class StartGate: @unchecked Sendable {
    // @unchecked: `waiting` is only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var waiting: Int

    init(parties: Int) { waiting = parties }

    func arriveAndWait() {
        condition.lock()
        waiting -= 1
        if waiting == 0 {
            condition.broadcast()
        } else {
            while waiting > 0 { condition.wait() }
        }
        condition.unlock()
    }
}
