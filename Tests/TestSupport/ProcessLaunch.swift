import Foundation

extension Process {
    /// `run()`, one launch at a time across the whole test process. swift-corelibs-foundation's
    /// `Process.run()` crashed here (a bad pointer in its memcpy) when tests launched children
    /// on several threads at once; launching is cheap, so serialising it costs nothing. The lock
    /// is an `flock` on one file, so any child process the tests start elsewhere would be
    /// excluded too (each call opens its own descriptor, and flock locks are per descriptor).
    public func runSerialised() throws {
        let fd = open(NSTemporaryDirectory() + "/phone-service-tests.launch.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return try run() }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        try run()
    }
}
