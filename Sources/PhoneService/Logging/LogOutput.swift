import Foundation
import Glibc
import Synchronization

/// Where `serve`'s log lines go (stderr): whole lines, in the order they were logged, from every
/// thread. Request lines are gathered and written together, at most `flushDelay` after the first
/// of them or once `flushBytes` are waiting, instead of one `write(2)` per request, a system call
/// on every read. Any other line (`listening`, `stopping`, an error) is written at once,
/// after the gathered ones, so the order stays the order of logging. A crash can lose the request
/// lines of the last `flushDelay`; `serve` writes them before it exits.
final class LogOutput: Sendable {
    static let flushDelay: DispatchTimeInterval = .milliseconds(50)
    static let flushBytes = 32 * 1024

    let fd: Int32
    private struct Pending {
        var bytes: [UInt8] = []
        /// A timer will flush.
        var scheduled = false
    }
    private let pending = Mutex(Pending())

    init(fd: Int32 = STDERR_FILENO) {
        self.fd = fd
    }

    /// Gathers a request line; written within `flushDelay`.
    func append(_ line: [UInt8]) {
        let schedule = pending.withLock { state -> Bool in
            state.bytes.append(contentsOf: line)
            if state.bytes.count >= Self.flushBytes {
                Self.writeAll(state.bytes, to: fd)
                state.bytes.removeAll(keepingCapacity: true)
                return false
            }
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
        if schedule {
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.flushDelay) { [self] in
                pending.withLock { $0.scheduled = false }
                flush()
            }
        }
    }

    /// Writes the gathered lines, then `line`, at once.
    func write(_ line: [UInt8]) {
        pending.withLock { state in
            if !state.bytes.isEmpty {
                Self.writeAll(state.bytes, to: fd)
                state.bytes.removeAll(keepingCapacity: true)
            }
            Self.writeAll(line, to: fd)
        }
    }

    /// Writes the gathered lines now.
    func flush() {
        pending.withLock { state in
            guard !state.bytes.isEmpty else { return }
            Self.writeAll(state.bytes, to: fd)
            state.bytes.removeAll(keepingCapacity: true)
        }
    }

    /// Writes all of `bytes` (more than one `write(2)` only if the kernel takes part of it).
    static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
