import Foundation

/// systemd's notification protocol, spoken directly: one datagram per message to the socket named
/// by `$NOTIFY_SOCKET` (a path, or an abstract socket when it starts with '@'). Without that
/// variable every call does nothing, so the service runs the same outside systemd.
struct SystemdNotifier: Sendable {
    let socketPath: String?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        socketPath = path.isEmpty ? nil : path
    }

    var isActive: Bool { socketPath != nil }

    /// Sends `message` ("READY=1", "STATUS=...", "WATCHDOG=1", "STOPPING=1"); false when it could
    /// not be delivered.
    @discardableResult
    func notify(_ message: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
            }
        }
        return sent == bytes.count
    }

    /// The watchdog interval systemd asks for (`$WATCHDOG_USEC`, for this process), or nil.
    static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Double? {
        guard let text = environment["WATCHDOG_USEC"], let micros = Double(text), micros > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return micros / 1_000_000
    }

    /// The listening sockets passed by systemd socket activation (`LISTEN_FDS`, `LISTEN_PID`), from
    /// fd 3 on, each with its name from `LISTEN_FDNAMES` (a socket unit's `FileDescriptorName=`,
    /// or the unit's own name when it sets none). Empty when the process was not socket-activated.
    static func activationSockets(environment: [String: String] = ProcessInfo.processInfo.environment) -> [(
        fd: Int32, name: String
    )] {
        guard let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1,
            let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid()
        else { return [] }
        let names = (environment["LISTEN_FDNAMES"] ?? "").split(separator: ":", omittingEmptySubsequences: false)
        return (0..<count).map { index in
            (fd: Int32(3 + index), name: index < names.count ? String(names[index]) : "")
        }
    }
}
