import Foundation
import Synchronization

/// Graph-style throttling: a token bucket per app and one for the tenant. A request that finds
/// either bucket empty is answered `429 TooManyRequests` with `Retry-After`. Off until set over
/// the admin API [choice]: a test tenant should not throttle a test that did not ask for it.
final class Throttle: Sendable {
    struct Settings: Sendable, Equatable {
        var enabled = false
        /// Requests per second an app may make, and how many it may make at once.
        var appRate: Double = 10
        var appBurst: Double = 20
        /// The same for all apps together.
        var tenantRate: Double = 100
        var tenantBurst: Double = 200
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double

        /// Takes a token, or answers how many seconds until one is there.
        mutating func take(rate: Double, burst: Double, now: Double) -> Double? {
            tokens = min(burst, tokens + (now - updated) * rate)
            updated = now
            if tokens >= 1 {
                tokens -= 1
                return nil
            }
            return (1 - tokens) / rate
        }
    }

    private struct State {
        var settings = Settings()
        var apps: [String: Bucket] = [:]
        var tenant: Bucket?
    }

    private let state = Mutex(State())

    var settings: Settings { state.withLock { $0.settings } }

    /// Replaces the settings and refills every bucket.
    func configure(_ settings: Settings) {
        state.withLock { $0 = State(settings: settings) }
    }

    /// Nil when the request may go ahead; otherwise the whole seconds to wait (at least 1).
    func admit(appID: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        state.withLock { state in
            let settings = state.settings
            guard settings.enabled else { return nil }
            var app = state.apps[appID] ?? Bucket(tokens: settings.appBurst, updated: now)
            var tenant = state.tenant ?? Bucket(tokens: settings.tenantBurst, updated: now)
            // Check both before taking from either, so a refused request costs nothing.
            var probeApp = app
            var probeTenant = tenant
            let appWait = probeApp.take(rate: settings.appRate, burst: settings.appBurst, now: now)
            let tenantWait = probeTenant.take(rate: settings.tenantRate, burst: settings.tenantBurst, now: now)
            if let wait = [appWait, tenantWait].compactMap({ $0 }).max() {
                app.tokens = min(settings.appBurst, app.tokens + (now - app.updated) * settings.appRate)
                app.updated = now
                tenant.tokens = min(settings.tenantBurst, tenant.tokens + (now - tenant.updated) * settings.tenantRate)
                tenant.updated = now
                state.apps[appID] = app
                state.tenant = tenant
                return max(1, Int(wait.rounded(.up)))
            }
            state.apps[appID] = probeApp
            state.tenant = probeTenant
            return nil
        }
    }
}
