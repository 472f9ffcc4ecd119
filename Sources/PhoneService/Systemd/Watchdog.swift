import Foundation
import Logging
import PhoneStore
import Synchronization

/// Pings systemd's watchdog at half the interval it asked for, but only after the database has
/// answered a probe (a read and the write lock): a service whose database stops answering stops
/// pinging, and systemd restarts it.
final class Watchdog: Sendable {
    private let store: PhoneStore
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let interval: Double?
    private let running = Atomic<Bool>(false)

    init(store: PhoneStore, notifier: SystemdNotifier, logger: Logger) {
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.interval = SystemdNotifier.watchdogInterval()
    }

    func start() {
        guard let interval, notifier.isActive else { return }
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                do {
                    try store.probe()
                    notifier.notify("WATCHDOG=1")
                } catch {
                    logger.error("watchdog probe failed", metadata: ["error": "\(error)"])
                }
                Thread.sleep(forTimeInterval: interval / 2)
            }
        }
        thread.name = "watchdog"
        thread.start()
    }

    func stop() { running.store(false, ordering: .releasing) }
}
