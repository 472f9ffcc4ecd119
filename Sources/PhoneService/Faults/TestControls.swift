/// The test-tenant controls the admin API drives: fault rules, throttling, and the retry notes.
struct TestControls: Sendable {
    let faults: FaultPlan
    let throttle: Throttle
    let retries: RetryTracker

    /// Back to a new tenant's controls: no faults, no throttling, nothing remembered.
    func reset() {
        faults.removeAll()
        throttle.configure(Throttle.Settings())
        retries.removeAll()
    }
}
