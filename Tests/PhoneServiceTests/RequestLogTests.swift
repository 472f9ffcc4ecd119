import Foundation
import Logging
import Testing

@testable import PhoneService

/// The request line `serve` formats by hand is byte for byte the line `LineLogHandler` writes for
/// the same fields through swift-log, escaping included.
@Suite struct RequestLogTests {
    /// What `LineLogHandler` writes for `event`, read back through a pipe.
    private func handlerLine(_ fields: RequestLog.Fields) throws -> String {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let logger = Logger(label: "test") { _ in LineLogHandler(fd: ends[1]) }
        RequestLog(sink: .logger(logger)).record(fields)
        close(ends[1])
        return String(decoding: FileHandle(fileDescriptor: ends[0]).readDataToEndOfFile(), as: UTF8.self)
    }

    /// The lines without their timestamps (the two are formatted at different instants).
    private func body(_ line: String) -> Substring {
        line.drop(while: { $0 != " " })
    }

    @Test(arguments: [
        RequestLog.Fields(
            method: "GET", path: "/v1.0/users/0a/authentication/phoneMethods", status: 200, microseconds: 1234,
            requestID: "3f1c0d3e-0000-4000-8000-000000000001", caller: "7d2b6d7e-1111-4111-8111-111111111111"),
        RequestLog.Fields(
            method: "POST", path: "/v1.0/users/a b\"c\\d\te\u{7f}/authentication/phoneMethods", status: 400,
            microseconds: 0, requestID: "id", caller: "app:xyz", earlyRetry: true),
        RequestLog.Fields(
            method: "", path: String(repeating: "p", count: 300), status: 503, microseconds: 99_999_999,
            requestID: "id with space", caller: nil),
        RequestLog.Fields(
            method: "PATCH", path: "/beta/me/authentication/phoneMethods/ünïcode\n", status: 204, microseconds: 7,
            requestID: "r", caller: nil, earlyRetry: true),
        RequestLog.Fields(
            method: "GET", path: "/v1.0/users/x/authentication/phoneMethods", status: 403, microseconds: 8,
            requestID: "r", caller: "u",
            refused: "this request needs one of scp A B; the token has scp \"quoted\"\n"),
    ])
    func sameLineAsTheHandler(fields: RequestLog.Fields) throws {
        let expected = try handlerLine(fields)
        let direct = String(decoding: RequestLog.line(fields), as: UTF8.self)
        #expect(body(direct) == body(expected))
        #expect(direct.hasSuffix(" request\n"))
        #expect(direct.filter { $0 == "\n" }.count == 1)
    }

    @Test func linesSinkWritesOneWholeLine() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let fields = RequestLog.Fields(
            method: "GET", path: "/v1.0/me/authentication/phoneMethods", status: 200, microseconds: 5,
            requestID: "abc", caller: "u")
        let output = LogOutput(fd: ends[1])
        RequestLog(sink: .lines(output)).record(fields)
        output.flush()
        close(ends[1])
        let written = String(decoding: FileHandle(fileDescriptor: ends[0]).readDataToEndOfFile(), as: UTF8.self)
        #expect(written.first?.isNumber == true)
        #expect(
            body(written)
                == " info phone-service: caller=u method=GET path=/v1.0/me/authentication/phoneMethods request-id=abc"
                + " status=200 us=5 request\n")
    }

    /// What a pipe received, read after its write end is closed.
    private func drained(_ fd: Int32) -> String {
        String(decoding: FileHandle(fileDescriptor: fd).readDataToEndOfFile(), as: UTF8.self)
    }

    /// Request lines are gathered, an immediate line goes out after them (logging order kept),
    /// and what is gathered is written by the timer without anyone flushing.
    @Test func gatheredLinesKeepTheirOrderAndAreWrittenByTheTimer() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        let output = LogOutput(fd: ends[1])
        output.append(Array("one\n".utf8))
        output.append(Array("two\n".utf8))
        output.write(Array("three\n".utf8))
        output.append(Array("four\n".utf8))
        // Nothing flushes "four": the timer must, within a few flush delays.
        var received = ""
        let deadline = ContinuousClock.now + .seconds(5)
        var buffer = [UInt8](repeating: 0, count: 256)
        while !received.hasSuffix("four\n"), ContinuousClock.now < deadline {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 { received += String(decoding: buffer[..<count], as: UTF8.self) } else { usleep(5_000) }
        }
        close(ends[1])
        #expect(received == "one\ntwo\nthree\nfour\n")
    }

    /// Past `flushBytes` the gathered lines are written at once, whole lines only.
    @Test func aFullBufferIsWrittenAtOnce() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let output = LogOutput(fd: ends[1])
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        let lines = LogOutput.flushBytes / line.count + 1
        for _ in 0..<lines { output.append(line) }
        // No flush and no wait: the last append crossed the limit and wrote everything.
        close(ends[1])
        let written = drained(ends[0])
        #expect(written.utf8.count == lines * line.count)
    }
}
