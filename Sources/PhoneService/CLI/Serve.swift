import ArgumentParser
import CMicroHTTPD
import Foundation
import Logging
import PhoneStore

/// `phone-service serve`: opens the database and serves the API until SIGTERM or SIGINT, then
/// drains in-flight requests, checkpoints the WAL and exits 0. Speaks systemd's notification
/// protocol when `$NOTIFY_SOCKET` is set and takes a socket from systemd (`LISTEN_FDS`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the Graph API on HOST:PORT.")

    @OptionGroup var database: DatabaseOptions
    @Option(
        help: "Address to listen on: HOST:PORT, [IPv6]:PORT; port 0 picks a free port. Ignored under socket activation."
    )
    var listen: String = "127.0.0.1:8080"
    @Option(help: "HTTP worker threads (default: the number of cores, at least 2).") var threads: Int?
    @Option(name: .customLong("max-connections"), help: "Connections open at once.") var maxConnections = 1000
    @Option(name: .customLong("max-connections-per-ip"), help: "Connections from one address.")
    var maxConnectionsPerIP = 500
    @Option(name: .customLong("connection-timeout"), help: "Seconds an idle connection stays open.")
    var connectionTimeout = 30
    @Option(name: .customLong("drain-timeout"), help: "Seconds to finish in-flight requests on shutdown.")
    var drainTimeout: Double = 10
    @Option(help: "Directory for the admin API's named snapshots (default: the database path + '.snapshots').")
    var snapshots: String?
    @Option(help: "Keep the request journal: on or off.") var journal: JournalSwitch = .on
    @Option(name: .customLong("journal-max-rows"), help: "The newest journal rows kept.")
    var journalMaxRows = JournalSettings.defaultMaximumRows
    @Option(name: .customLong("journal-max-age"), help: "Seconds a journal row is kept.")
    var journalMaxAge = JournalSettings.defaultMaximumAgeSeconds

    enum JournalSwitch: String, ExpressibleByArgument {
        case on, off
    }

    func validate() throws {
        guard (threads ?? 1) >= 1, maxConnections >= 1, maxConnectionsPerIP >= 1, connectionTimeout >= 1 else {
            throw ValidationError("thread, connection and timeout settings must be at least 1")
        }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must not be negative") }
        guard journalMaxRows >= 1, journalMaxAge >= 1 else {
            throw ValidationError("--journal-max-rows and --journal-max-age must be at least 1")
        }
    }

    /// glibc's malloc gives the top of a thread's heap back to the kernel (`madvise`) as soon as
    /// more than 128 KiB of it is free. The writer frees what the pool threads allocated (journal
    /// entries, requests), so it trims over and over, and each trim flushes the TLB of every CPU by
    /// inter-processor interrupt. Keeping up to 64 MiB free per heap stops that without raising the
    /// peak RSS.
    static func keepFreedMemory() {
        CMicroHTTPD_keepFreedMemory(64 << 20, 4 << 20)
    }

    func run() throws {
        // Block the stop signals before any thread starts, so every thread inherits the mask and
        // only `sigwait` below receives them.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        Self.keepFreedMemory()

        let output = LogOutput(fd: STDERR_FILENO)
        // Whatever happens below, the gathered request lines go out before the process ends.
        defer { output.flush() }
        var logger = Logger(label: "phone-service") { _ in LineLogHandler(output: output) }
        logger.logLevel = .info
        let systemd = SystemdNotifier()

        let store = try database.open(
            journal: JournalSettings(
                enabled: journal == .on, maximumRows: journalMaxRows, maximumAgeSeconds: journalMaxAge))
        guard try cliStep({ try store.quickCheck() }) else {
            FileHandle.standardError.write(
                Data("phone-service: error: '\(database.db)' fails PRAGMA quick_check\n".utf8))
            throw ExitCode.failure
        }
        let socket: ListenSocket
        if let fd = SystemdNotifier.activationSocket() {
            socket = ListenSocket.inherited(fd: fd)
        } else {
            socket = try cliStep { try ListenSocket.bind(listen) }
        }
        let application = Application(
            store: store, logger: logger, requestLog: RequestLog(sink: .lines(output)), snapshots: snapshots)
        let server = HTTPServer(
            socket: socket, limits: limits, handler: { application.handle($0, respond: $1) },
            tooLarge: application.tooLarge)
        try cliStep { try server.start() }
        logger.notice(
            "listening",
            metadata: [
                "address": "\(socket.displayAddress)", "db": "\(database.db)", "tenant": "\(store.tenant.id)",
                "durability": "\(database.durability.rawValue)", "schema": "\(store.schemaVersion)",
            ])
        systemd.notify("READY=1\nSTATUS=serving on \(socket.displayAddress), schema \(store.schemaVersion)")
        let watchdog = Watchdog(store: store, notifier: systemd, logger: logger)
        watchdog.start()

        var received: Int32 = 0
        sigwait(&signals, &received)
        let signal = received == SIGTERM ? "SIGTERM" : "SIGINT"
        logger.notice("stopping", metadata: ["signal": "\(signal)", "in-flight": "\(server.requestsInFlight)"])
        systemd.notify("STOPPING=1\nSTATUS=draining")
        watchdog.stop()
        server.quiesce()
        let drained = server.drain(timeout: drainTimeout)
        logger.notice("drained", metadata: ["complete": "\(drained)", "in-flight": "\(server.requestsInFlight)"])
        server.stop()
        do {
            // Entries of the last reads wait in memory; writes' entries are committed already.
            try store.flushJournal()
        } catch {
            logger.warning("journal flush failed", metadata: ["error": "\(error)"])
        }
        do {
            try store.checkpoint()
        } catch {
            logger.warning("checkpoint failed", metadata: ["error": "\(error)"])
        }
        logger.notice("stopped")
    }

    private var limits: HTTPServer.Limits {
        var limits = HTTPServer.Limits()
        if let threads { limits.threads = threads }
        limits.maximumConnections = maxConnections
        limits.maximumConnectionsPerIP = maxConnectionsPerIP
        limits.connectionTimeoutSeconds = connectionTimeout
        return limits
    }
}
