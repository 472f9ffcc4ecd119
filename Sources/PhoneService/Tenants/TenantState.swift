/// What a tenant keeps in memory while its files are closed: the test controls an operator set,
/// and sign-ins in progress. Small (three empty collections for an untouched tenant).
final class TenantState: Sendable {
    let controls: TestControls
    let deviceCodes = DeviceCodes()
    let authorizationCodes = AuthorizationCodes()

    init(faults: FaultPlan = FaultPlan()) {
        controls = TestControls(faults: faults, throttle: Throttle(), retries: RetryTracker())
    }
}
