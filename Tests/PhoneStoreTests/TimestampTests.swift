import Foundation
import PhoneStore
import Testing

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
}
