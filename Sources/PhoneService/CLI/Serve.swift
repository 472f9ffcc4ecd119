import ArgumentParser
import CMicroHTTPD
import Foundation
import Logging
import PhoneStore

/// `phone-service serve`: opens the database and serves the API over HTTP, HTTPS or both until
/// SIGTERM or SIGINT, then drains in-flight requests, checkpoints the WAL and exits 0. Speaks
/// systemd's notification protocol when `$NOTIFY_SOCKET` is set and takes its sockets from systemd
/// (`LISTEN_FDS`; one named `https` by `FileDescriptorName=` serves HTTPS).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the Graph API on HOST:PORT, over HTTP and HTTPS.")

    @OptionGroup var database: DatabaseOptions
    @Option(
        help: """
            Serve plain HTTP on HOST:PORT or [IPv6]:PORT; port 0 picks a free port; empty: no plain HTTP \
            (default 127.0.0.1:8080 unless --tls-listen is given). Ignored under socket activation.
            """
    )
    var listen: String?
    @OptionGroup var tls: TLSOptions
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
    @Option(
        name: .customLong("metrics-listen"),
        help: "Also serve GET /metrics, without credentials, on HOST:PORT (a private address for a scraper).")
    var metricsListen: String?
    @Option(help: "Keep the request journal: on or off.") var journal: JournalSwitch = .on
    @Option(name: .customLong("journal-max-rows"), help: "The newest journal rows kept.")
    var journalMaxRows = JournalSettings.defaultMaximumRows
    @Option(name: .customLong("journal-max-age"), help: "Seconds a journal row is kept.")
    var journalMaxAge = JournalSettings.defaultMaximumAgeSeconds
    @Option(
        name: .customLong("max-open-tenants"),
        help: "Tenants kept open at once (besides the default one); the least recently used closes first.")
    var maxOpenTenants = 64
    @Option(
        name: .customLong("tenant-expiry"),
        help: "Seconds unused after which a tenant created without 'keep' is removed at start.")
    var tenantExpiry = 86_400
    @Option(
        name: .customLong("tenant-pool"),
        help: "Tenants made ahead (with their signing keys) so that a creation is a commit; 0: none.")
    var tenantPool = 4

    enum JournalSwitch: String, ExpressibleByArgument {
        case on, off
    }

    static let defaultListen = "127.0.0.1:8080"
    /// The name a socket unit gives its HTTPS socket (`FileDescriptorName=https`).
    static let httpsSocketName = "https"

    /// The plain HTTP address: `--listen`, or the default when neither address is given.
    var plainAddress: String? {
        guard let listen else { return tls.listenAddress == nil ? Self.defaultListen : nil }
        return listen.isEmpty ? nil : listen
    }

    func validate() throws {
        guard plainAddress != nil || tls.listenAddress != nil else {
            throw ValidationError("nothing to serve: give --listen, --tls-listen or both")
        }
        guard (threads ?? 1) >= 1, maxConnections >= 1, maxConnectionsPerIP >= 1, connectionTimeout >= 1 else {
            throw ValidationError("thread, connection and timeout settings must be at least 1")
        }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must not be negative") }
        guard maxOpenTenants >= 1, tenantExpiry >= 0, tenantPool >= 0 else {
            throw ValidationError(
                "--max-open-tenants must be at least 1, --tenant-expiry and --tenant-pool not negative")
        }
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

    /// Every open tenant holds files of its own (docs/tenants.md), beside the connections: the
    /// soft limit on open files (1024 by default, systemd's too) goes up to the hard one, at most
    /// 65536. libmicrohttpd polls (no `select`), so descriptors past 1024 are fine.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 65536)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = wanted
        _ = setrlimit(resource, &limit)
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
        Self.raiseOpenFileLimit()

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
        // An upgrade's schema change, said once: which version the file had and has now.
        if let first = store.appliedMigrations.first, first > 1 {
            logger.notice(
                "database migrated", metadata: ["from-schema": "\(first - 1)", "to-schema": "\(store.schemaVersion)"])
        }
        let sockets = try listenSockets()
        // Every certificate is checked before any socket is served: a bad one is one line and exit 1.
        var https: TLSOptions.Resolved?
        if sockets.contains(where: { $0.tls }) { https = try cliStep { try tls.resolve(store: store) } }
        // The tenant's CA is made even without HTTPS, so that the admin API can always hand it out;
        // with the operator's certificate there is none to hand out.
        var authority = https?.authority
        if https == nil {
            authority = try cliStep {
                try TenantCertificateAuthority.loadOrCreate(databasePath: store.path, tenantID: store.tenant.id)
            }
        }
        let application = try cliStep {
            try Application(
                store: store, logger: logger, requestLog: RequestLog(sink: .lines(output)), snapshots: snapshots,
                certificateAuthorityPEM: authority?.certificatePEM, maximumOpenTenants: maxOpenTenants,
                tenantExpiry: Double(tenantExpiry), tenantPool: tenantPool)
        }
        var servers = sockets.map { socket in
            HTTPServer(
                socket: socket.socket, limits: limits, tls: socket.tls ? https?.identity.tls : nil,
                handler: { application.handle($0, respond: $1) }, tooLarge: application.tooLarge)
        }
        // Weakly: the server holds the application (its handler), which holds the metrics.
        for server in servers { application.metrics.countInFlight { [weak server] in server?.requestsInFlight ?? 0 } }
        // Started, drained and stopped with the others; logged and announced apart.
        let scrape = try metricsListen.map { try metricsServer($0, metrics: application.metrics) }
        if let scrape { servers.append(scrape) }
        if let https {
            logger.notice(
                "tls certificate",
                metadata: [
                    "source": "\(https.source)", "names": "\(https.identity.nameList.joined(separator: ","))",
                    "not-after": "\(Timestamp.format(https.identity.leaf.notValidAfter))",
                    "ca": "\(https.authority?.store.file(TLSDirectory.caCertificate) ?? "operator's")",
                ])
        }
        // All or nothing: a listener that cannot start stops those already started.
        var started: [HTTPServer] = []
        for server in servers {
            do {
                try server.start()
                started.append(server)
            } catch {
                for running in started { running.stop() }
                FileHandle.standardError.write(
                    Data("phone-service: error: \(server.socket.displayAddress): \(error.description)\n".utf8))
                throw ExitCode.failure
            }
        }
        for server in servers {
            if server === scrape {
                logger.notice("metrics listening", metadata: ["address": "\(server.socket.displayAddress)"])
                continue
            }
            logger.notice(
                "listening",
                metadata: [
                    "address": "\(server.socket.displayAddress)", "scheme": "\(server.scheme)", "db": "\(database.db)",
                    "tenant": "\(store.tenant.id)", "durability": "\(database.durability.rawValue)",
                    "schema": "\(store.schemaVersion)",
                ])
        }
        let addresses = servers.filter { $0 !== scrape }.map {
            $0.tls == nil ? $0.socket.displayAddress : "https://" + $0.socket.displayAddress
        }
        systemd.notify(
            "READY=1\nSTATUS=serving on \(addresses.joined(separator: " and ")), schema \(store.schemaVersion)")
        let watchdog = Watchdog(store: store, notifier: systemd, logger: logger)
        watchdog.start()

        var received: Int32 = 0
        sigwait(&signals, &received)
        let signal = received == SIGTERM ? "SIGTERM" : "SIGINT"
        var inFlight: Int { servers.reduce(0) { $0 + $1.requestsInFlight } }
        logger.notice("stopping", metadata: ["signal": "\(signal)", "in-flight": "\(inFlight)"])
        systemd.notify("STOPPING=1\nSTATUS=draining")
        watchdog.stop()
        for server in servers { server.quiesce() }
        let deadline = Date().addingTimeInterval(drainTimeout)
        let drained = servers.allSatisfy { $0.drain(timeout: max(0, deadline.timeIntervalSinceNow)) }
        logger.notice("drained", metadata: ["complete": "\(drained)", "in-flight": "\(inFlight)"])
        for server in servers { server.stop() }
        // Every other open tenant: its buffered journal entries, then its WAL into its file.
        application.tenants.closeAll()
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

    /// The sockets to serve, each marked HTTPS or not: systemd's when socket-activated (the one
    /// named `https` speaks TLS), otherwise bound here from `--listen` and `--tls-listen`.
    private func listenSockets() throws -> [(socket: ListenSocket, tls: Bool)] {
        let inherited = SystemdNotifier.activationSockets()
        if !inherited.isEmpty {
            return inherited.map { (socket: ListenSocket.inherited(fd: $0.fd), tls: $0.name == Self.httpsSocketName) }
        }
        var sockets: [(socket: ListenSocket, tls: Bool)] = []
        if let plainAddress {
            sockets.append((socket: try cliStep { try ListenSocket.bind(plainAddress) }, tls: false))
        }
        if let address = tls.listenAddress {
            sockets.append((socket: try cliStep { try ListenSocket.bind(address) }, tls: true))
        }
        return sockets
    }

    /// The `--metrics-listen` server: its own daemon with two threads, serving only `/metrics`.
    private func metricsServer(_ address: String, metrics: ServiceMetrics) throws -> HTTPServer {
        let socket = try cliStep { try ListenSocket.bind(address) }
        var limits = HTTPServer.Limits()
        limits.threads = 2
        limits.maximumConnections = 64
        let handler = MetricsHandler(metrics: metrics)
        return HTTPServer(
            socket: socket, limits: limits, handler: { request, respond in respond { handler.answerPlain(request) } },
            tooLarge: { _, _ in HTTPResponse(status: 413) })
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
