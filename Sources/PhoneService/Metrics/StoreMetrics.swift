import Metrics
import PhoneStore

/// The writer's metrics, told by the store (`StoreObserver`) on its writer and syncer threads.
final class StoreMetrics: StoreObserver {
    private let groups: Counter
    private let writesPerGroup: Recorder
    private let fsync: Metrics.Timer

    init(factory: any MetricsFactory) {
        groups = Counter(label: ServiceMetrics.Name.writeGroups, factory: factory)
        writesPerGroup = Recorder(label: ServiceMetrics.Name.writesPerGroup, aggregate: true, factory: factory)
        fsync = Metrics.Timer(label: ServiceMetrics.Name.fsyncDuration, factory: factory)
    }

    func committed(writes: Int) {
        groups.increment()
        writesPerGroup.record(writes)
    }

    func flushedLog(nanoseconds: UInt64) {
        fsync.recordNanoseconds(nanoseconds)
    }
}
