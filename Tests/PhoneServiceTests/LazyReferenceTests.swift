import Dispatch
import Synchronization
import Testing

@testable import PhoneService

/// `LazyReference`: set once, the first store wins, and what it keeps lives exactly as long as it.
@Suite struct LazyReferenceTests {
    private final class Box: Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    private final class Holder: Sendable {
        let slot = LazyReference<Box>()
    }

    @Test func theFirstStoreIsKeptAndLoaded() {
        let holder = Holder()
        #expect(holder.slot.load() == nil)
        let first = Box(1)
        #expect(holder.slot.storeIfNil(first) === first)
        #expect(holder.slot.storeIfNil(Box(2)) === first)
        #expect(holder.slot.load() === first)
    }

    @Test func racingStoresAllGetTheOneKept() {
        let holder = Holder()
        let kept = Mutex<[ObjectIdentifier]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let box = holder.slot.storeIfNil(Box(index))
            kept.withLock { $0.append(ObjectIdentifier(box)) }
        }
        let identities = kept.withLock { $0 }
        #expect(identities.count == 16 && Set(identities).count == 1)
        #expect(holder.slot.load().map(ObjectIdentifier.init) == identities.first)
    }

    @Test func whatIsKeptIsReleasedWithTheSlotAndALosingStoreAtOnce() {
        weak var kept: Box?
        weak var lost: Box?
        var holder: Holder? = Holder()
        do {
            let first = Box(1)
            let second = Box(2)
            kept = first
            lost = second
            _ = holder?.slot.storeIfNil(first)
            _ = holder?.slot.storeIfNil(second)
        }
        #expect(lost == nil)
        #expect(kept?.number == 1)
        holder = nil
        #expect(kept == nil)
    }
}
