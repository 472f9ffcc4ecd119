import Foundation
import Testing

@testable import PhoneStore

struct TimestampTests {
    @Test func formatsUTCWithWholeSeconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_255_200.9)) == "2026-11-21T10:00:00Z")
    }

    @Test func nowParsesAsISO8601() throws {
        let now = Timestamp.now()
        let date = try #require(ISO8601DateFormatter().date(from: now))
        #expect(abs(date.timeIntervalSinceNow) < 5)
    }

    /// The arithmetic formatting agrees with the C library's `gmtime_r` across four centuries,
    /// leap days, month ends and times before 1970.
    @Test func agreesWithGmtime() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, -1, 86_399, 86_400, 951_782_399, 951_782_400, 951_868_800, 4_107_542_399]
        samples += (0..<20_000).map { _ in Int64.random(in: -2_208_988_800...7_258_118_399, using: &generator) }
        for seconds in samples {
            var t = time_t(seconds)
            var parts = tm()
            gmtime_r(&t, &parts)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                parts.tm_hour, parts.tm_min, parts.tm_sec)
            #expect(Timestamp.format(Date(timeIntervalSince1970: Double(seconds))) == expected, "\(seconds)")
            let milliseconds = seconds * 1000 + 7
            #expect(
                Timestamp.format(milliseconds: milliseconds) == expected.dropLast() + ".007Z", "\(milliseconds)")
        }
    }
}
