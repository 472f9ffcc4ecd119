import Foundation
import Testing

@testable import PhoneService

/// Socket activation's environment, as systemd sets it: which descriptors, and their names.
@Suite struct SystemdNotifierTests {
    let pid = "\(getpid())"

    @Test func socketsAreToldApartByTheirNames() {
        let sockets = SystemdNotifier.activationSockets(environment: [
            "LISTEN_FDS": "2", "LISTEN_PID": pid, "LISTEN_FDNAMES": "https:http",
        ])
        #expect(sockets.map(\.fd) == [3, 4])
        #expect(sockets.map(\.name) == ["https", "http"])
    }

    @Test func anUnnamedSocketHasAnEmptyName() {
        let sockets = SystemdNotifier.activationSockets(environment: ["LISTEN_FDS": "1", "LISTEN_PID": pid])
        #expect(sockets.map(\.fd) == [3])
        #expect(sockets.map(\.name) == [""])
    }

    @Test func socketsForAnotherProcessAreNotTaken() {
        #expect(SystemdNotifier.activationSockets(environment: ["LISTEN_FDS": "1", "LISTEN_PID": "1"]).isEmpty)
        #expect(SystemdNotifier.activationSockets(environment: [:]).isEmpty)
    }
}
