import Foundation
import Synchronization

/// A clock that moves only when a test moves it, so that a test lets time pass without sleeping.
/// It reads in seconds since 1970, the scale of a fault rule's `expires`, and starts at the real time.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>

    init(start: Double = Date().timeIntervalSince1970) { seconds = Mutex(start) }

    /// The time now; pass `{ clock.now() }` where a type takes a clock.
    func now() -> Double { seconds.withLock { $0 } }

    func advance(by interval: Double) { seconds.withLock { $0 += interval } }
}
