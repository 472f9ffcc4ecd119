import CMicroHTTPD
import Foundation
import Synchronization

/// The HTTP front end: libmicrohttpd with a thread pool over poll(2), keep-alive, and explicit
/// limits, speaking plain HTTP or, with `tls`, HTTPS through libmicrohttpd's own TLS (GnuTLS).
/// This is the only file that talks to libmicrohttpd. Each request is gathered in full (body up
/// to `Limits.maximumBodySize`) and handed to `handler` on the pool thread that read it.
final class HTTPServer: @unchecked Sendable {
    // @unchecked: `daemon` is written once in `start()` before any callback can run and cleared in
    // `stop()` after libmicrohttpd has stopped calling back; `handler` and `limits` are immutable.
    /// Makes a request's response, on the pool thread that sends it.
    typealias Answer = @Sendable () -> HTTPResponse
    /// Answers a request through its second argument, at once or later from another thread (a
    /// queued write, once durable); meanwhile the connection is suspended and its pool thread
    /// serves others. The answer is made when the connection's pool thread takes it up again, so
    /// that the thread that hands results over only resumes connections.
    typealias Handler = @Sendable (HTTPRequest, @escaping @Sendable (@escaping Answer) -> Void) -> Void
    /// Answers a body over the limit (the second argument) at once.
    typealias TooLargeHandler = @Sendable (HTTPRequest, _ limit: Int) -> HTTPResponse

    struct Limits: Sendable {
        var threads: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)
        var maximumConnections: Int = 1000
        var maximumConnectionsPerIP: Int = 500
        var connectionTimeoutSeconds: Int = 30
        /// Per-connection memory for the request line, headers and read buffer: room for bearer
        /// tokens of several KB (the header limit below is checked by the application).
        var connectionMemoryLimit: Int = 48 * 1024
        var maximumBodySize: Int = 64 * 1024
    }

    /// What a server speaking HTTPS presents: its certificate chain (leaf first) and private key,
    /// both PEM. The handshake and every record are GnuTLS's, on the pool threads.
    struct TLS: Sendable {
        var certificateChainPEM: String
        var privateKeyPEM: String
        /// TLS 1.3 and 1.2 only; AEAD ciphers with ECDHE key exchange; no SHA-1 signatures; the
        /// server's order first (`gnutls-cli --priority STRING -l` lists what it allows).
        var priorities = TLS.modernPriorities

        static let modernPriorities =
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305"
            + ":-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-SIGN-RSA-SHA1:-SIGN-ECDSA-SHA1:%SERVER_PRECEDENCE"
    }

    let socket: ListenSocket
    let limits: Limits
    /// HTTPS when set, plain HTTP otherwise.
    let tls: TLS?
    let handler: Handler
    /// Answers a body over `maximumBodySize`, built by the application (its error envelope).
    let tooLarge: TooLargeHandler
    private var daemon: OpaquePointer?
    /// Requests between their first byte and the end of their response.
    fileprivate let inFlight = Atomic<Int>(0)
    /// Set by `quiesce()`: responses carry `Connection: close` so keep-alive clients move on.
    fileprivate let draining = Atomic<Bool>(false)

    init(
        socket: ListenSocket, limits: Limits, tls: TLS? = nil, handler: @escaping Handler,
        tooLarge: @escaping TooLargeHandler
    ) {
        self.socket = socket
        self.limits = limits
        self.tls = tls
        self.handler = handler
        self.tooLarge = tooLarge
    }

    /// The scheme clients use: "https" or "http".
    var scheme: String { tls == nil ? "http" : "https" }

    enum Failure: Error, CustomStringConvertible {
        case startFailed
        case tlsUnsupported
        case tlsStartFailed

        var description: String {
            switch self {
            case .startFailed: "libmicrohttpd could not start on the listening socket"
            case .tlsUnsupported:
                "this libmicrohttpd was built without TLS support (MHD_FEATURE_TLS); install Debian's libmicrohttpd12"
                    + " (built with GnuTLS) to serve HTTPS"
            case .tlsStartFailed:
                "libmicrohttpd could not start HTTPS: GnuTLS refused the certificate, the key or the priority string"
            }
        }
    }

    func start() throws(Failure) {
        var settings = CMicroHTTPD_Settings()
        // poll, not epoll: libmicrohttpd 0.9.75's epoll loop can leave every worker asleep while
        // requests wait (docs/benchmarks.md); poll's cost is bounded by `maximumConnections`.
        settings.flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue | MHD_USE_ITC.rawValue
            | MHD_USE_SUSPEND_RESUME.rawValue
        settings.listenFD = socket.fd
        settings.threadPoolSize = UInt32(limits.threads)
        settings.connectionLimit = UInt32(limits.maximumConnections)
        settings.perIPConnectionLimit = UInt32(limits.maximumConnectionsPerIP)
        settings.connectionTimeoutSeconds = UInt32(limits.connectionTimeoutSeconds)
        settings.connectionMemoryLimit = limits.connectionMemoryLimit
        guard let tls else {
            daemon = try launch(&settings)
            return
        }
        guard CMicroHTTPD_supportsTLS() != 0 else { throw .tlsUnsupported }
        settings.flags |= CMicroHTTPD_USE_TLS
        // GnuTLS copies the certificate, key and priorities while the daemon starts.
        let started = tls.certificateChainPEM.withCString { certificate in
            tls.privateKeyPEM.withCString { key in
                tls.priorities.withCString { priorities in
                    settings.tlsCertificate = certificate
                    settings.tlsKey = key
                    settings.tlsPriorities = priorities
                    defer { (settings.tlsCertificate, settings.tlsKey, settings.tlsPriorities) = (nil, nil, nil) }
                    return try? launch(&settings)
                }
            }
        }
        guard let started else { throw .tlsStartFailed }
        daemon = started
    }

    private func launch(_ settings: inout CMicroHTTPD_Settings) throws(Failure) -> OpaquePointer {
        // Unretained: the server outlives its daemon (stop() runs before the server goes away).
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard
            let started = CMicroHTTPD_start(
                &settings, acceptPolicy, context, accessHandler, context, requestCompleted, context)
        else {
            throw .startFailed
        }
        return started
    }

    /// Stops taking new connections: from now on a new connection is closed as soon as it is
    /// accepted, and requests already received are answered, each with `Connection: close`.
    ///
    /// Not `MHD_quiesce_daemon`: in libmicrohttpd 0.9.75 it races with the epoll worker threads
    /// (both remove the listening socket from a worker's epoll set, and the loser aborts the
    /// process with "Failed to remove listen FD from epoll set"). Nor an acceptor thread of our own
    /// feeding `MHD_add_connection`: connections added that way from another thread were seen to
    /// stall (every worker asleep in epoll_wait while clients waited) under 256 new connections.
    func quiesce() {
        draining.store(true, ordering: .releasing)
    }

    /// Waits until no request is in flight or `timeout` seconds pass; true when drained.
    func drain(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while inFlight.load(ordering: .acquiring) > 0 {
            guard Date() < deadline else { return false }
            usleep(10_000)
        }
        return true
    }

    var requestsInFlight: Int { inFlight.load(ordering: .acquiring) }

    /// Stops the daemon: it waits for its threads, closes its connections and the listening
    /// socket (under socket activation systemd keeps its own, so clients queue for the next start).
    ///
    /// The listening socket is taken back first (`MHD_quiesce_daemon`, safe here: the workers poll,
    /// and it runs once they are told to stop) and closed here: `MHD_stop_daemon` would otherwise
    /// `shutdown(2)` it, which also shuts systemd's copy under socket activation, and the socket
    /// unit then fails ("Got POLLHUP on a listening socket") and activates the service no more.
    func stop() {
        guard let daemon else { return }
        draining.store(true, ordering: .releasing)
        let listener = MHD_quiesce_daemon(daemon)
        MHD_stop_daemon(daemon)
        if listener >= 0 { close(listener) }
        self.daemon = nil
    }

    deinit { stop() }

    fileprivate func respond(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let mhdResponse = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), CMicroHTTPD_RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return CMicroHTTPD_NO }
        defer { MHD_destroy_response(mhdResponse) }
        for header in response.headers {
            MHD_add_response_header(mhdResponse, header.name, header.value)
        }
        if draining.load(ordering: .relaxed) { MHD_add_response_header(mhdResponse, "Connection", "close") }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }
}

/// What one request gathers across libmicrohttpd's calls to the access handler.
private final class RequestState: @unchecked Sendable {
    // @unchecked: `body`, `tooLarge` and `dispatched` are used only on the connection's pool
    // thread; `answer` is shared with the thread that answers, under its lock.
    var body: [UInt8] = []
    var tooLarge = false
    var dispatched = false
    /// The answer once there is one, and whether the connection waits suspended for it.
    let answer = Mutex<(response: HTTPServer.Answer?, suspended: Bool)>((nil, false))
}

/// A connection handle for the thread that answers a suspended request. @unchecked: libmicrohttpd
/// allows `MHD_resume_connection` from any thread, and the connection stays valid while suspended.
private struct SuspendedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// libmicrohttpd's access handler. It is called first with no body (`*state == NULL`), then once per
/// chunk of body, then once more with `*uploadSize == 0`; answering on that last call keeps the
/// connection alive (answering on the first call makes libmicrohttpd close it).
private func accessHandler(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?, url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?,
    uploadSize: UnsafeMutablePointer<Int>?, state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let context, let connection, let url, let method, let uploadSize, let state else { return CMicroHTTPD_NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()

    guard let existing = state.pointee else {
        if let length = MHD_lookup_connection_value(connection, CMicroHTTPD_HEADER_KIND, "Content-Length"),
            let declared = Int(String(cString: length)), declared > server.limits.maximumBodySize
        {
            // Answer before the body: libmicrohttpd then sends no "100 Continue", reads none of the
            // body, and closes the connection after the 413, instead of waiting for (and
            // discarding) however much the client declared.
            let httpRequest = HTTPRequest(
                method: String(cString: method), target: target(url, of: connection), headers: headers(of: connection))
            return server.respond(server.tooLarge(httpRequest, server.limits.maximumBodySize), on: connection)
        }
        // Retained until `requestCompleted` releases it.
        state.pointee = Unmanaged.passRetained(RequestState()).toOpaque()
        server.inFlight.add(1, ordering: .relaxed)
        return CMicroHTTPD_YES
    }
    let request = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()

    if uploadSize.pointee > 0 {
        if !request.tooLarge, let uploadData {
            if request.body.count + uploadSize.pointee > server.limits.maximumBodySize {
                request.tooLarge = true
                request.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) {
                    request.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadSize.pointee))
                }
            }
        }
        uploadSize.pointee = 0
        return CMicroHTTPD_YES
    }

    // Called again after `MHD_resume_connection`: the answer is ready.
    if request.dispatched {
        guard let ready = request.answer.withLock({ $0.response.take() }) else { return CMicroHTTPD_YES }
        return server.respond(ready(), on: connection)
    }
    request.dispatched = true

    var httpRequest = HTTPRequest(
        method: String(cString: method), target: target(url, of: connection), headers: headers(of: connection),
        body: request.body)
    httpRequest.isTLS = server.tls != nil
    request.body = []
    if request.tooLarge {
        httpRequest.body = []
        return server.respond(server.tooLarge(httpRequest, server.limits.maximumBodySize), on: connection)
    }
    let handle = SuspendedConnection(pointer: connection)
    server.handler(httpRequest) { answer in
        request.answer.withLock { state in
            state.response = answer
            if state.suspended {
                state.suspended = false
                MHD_resume_connection(handle.pointer)
            }
        }
    }
    // Answered at once (a read), or suspend until the answer comes (a queued write).
    let ready: HTTPServer.Answer? = request.answer.withLock { state in
        if let answer = state.response.take() { return answer }
        state.suspended = true
        MHD_suspend_connection(connection)
        return nil
    }
    guard let ready else { return CMicroHTTPD_YES }
    return server.respond(ready(), on: connection)
}

/// Refuses new connections once the server drains (`quiesce()`).
private func acceptPolicy(
    context: UnsafeMutableRawPointer?, address: UnsafePointer<sockaddr>?, length: socklen_t
) -> MHD_Result {
    guard let context else { return CMicroHTTPD_YES }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    return server.draining.load(ordering: .acquiring) ? CMicroHTTPD_NO : CMicroHTTPD_YES
}

/// Releases the per-request state when libmicrohttpd is done with a request.
private func requestCompleted(
    context: UnsafeMutableRawPointer?, connection: OpaquePointer?,
    state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    reason: MHD_RequestTerminationCode
) {
    guard let state, let existing = state.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(existing).release()
    state.pointee = nil
    if let context {
        Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().inFlight.subtract(1, ordering: .relaxed)
    }
}

/// Calls `visit` with each of a connection's values of one kind (headers or query arguments),
/// through libmicrohttpd's iterator, which takes a C function pointer and a context.
private func forEachValue(
    of connection: OpaquePointer, kind: MHD_ValueKind,
    _ visit: (_ name: UnsafePointer<CChar>, _ value: UnsafePointer<CChar>?) -> Void
) {
    withoutActuallyEscaping(visit) { visit in
        let visitor = ValueVisitor(visit)
        withExtendedLifetime(visitor) {
            _ = MHD_get_connection_values(
                connection, kind,
                { context, _, key, value in
                    guard let context, let key else { return CMicroHTTPD_YES }
                    Unmanaged<ValueVisitor>.fromOpaque(context).takeUnretainedValue().visit(key, value)
                    return CMicroHTTPD_YES
                }, Unmanaged.passUnretained(visitor).toOpaque())
        }
    }
}

/// `forEachValue`'s context for libmicrohttpd; it never outlives the call.
private final class ValueVisitor {
    let visit: (UnsafePointer<CChar>, UnsafePointer<CChar>?) -> Void

    init(_ visit: @escaping (UnsafePointer<CChar>, UnsafePointer<CChar>?) -> Void) {
        self.visit = visit
    }
}

private func values(of connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
    var pairs: [(name: String, value: String)] = []
    forEachValue(of: connection, kind: kind) { name, value in
        pairs.append((String(cString: name), value.map { String(cString: $0) } ?? ""))
    }
    return pairs
}

/// Header names lower-cased; repeated headers joined with ", " as RFC 9110 allows. Built straight
/// from libmicrohttpd's strings: no list of pairs first, no second string per lower-cased name.
private func headers(of connection: OpaquePointer) -> [String: String] {
    var headers: [String: String] = [:]
    headers.reserveCapacity(8)
    forEachValue(of: connection, kind: CMicroHTTPD_HEADER_KIND) { name, value in
        let key = lowercasedHeaderName(name)
        let text = value.map { String(cString: $0) } ?? ""
        headers[key] = headers[key].map { $0 + ", " + text } ?? text
    }
    return headers
}

/// A header name with its ASCII letters lower-cased. Header names are ASCII tokens (RFC 9110);
/// any other byte is kept as sent.
private func lowercasedHeaderName(_ name: UnsafePointer<CChar>) -> String {
    let count = strlen(name)
    return String(unsafeUninitializedCapacity: count) { buffer in
        for index in 0..<count { buffer[index] = UInt8(bitPattern: name[index]).lowercasedASCII }
        return count
    }
}

/// The request target: the path as sent, and the query's parameters as sent (libmicrohttpd's
/// unescaping is turned off), decoded by `RequestTarget` as a batch's are.
private func target(_ url: UnsafePointer<CChar>, of connection: OpaquePointer) -> RequestTarget {
    let raw = values(of: connection, kind: CMicroHTTPD_GET_ARGUMENT_KIND).map { pair in
        (name: Substring(pair.name), value: Substring(pair.value))
    }
    return RequestTarget(path: String(cString: url), rawQuery: raw)
}
