import Foundation

/// ISO 8601 UTC timestamps with whole seconds ("2026-11-21T10:00:00Z"), the form stored in SQL
/// and shown by the API. Formatted by hand: this runs on every write and error, and
/// `String(format:)` goes through Foundation's formatter.
public enum Timestamp {
    public static func now() -> String { format(seconds: time(nil)) }

    /// Now with milliseconds ("2026-11-21T10:00:00.123Z"), for the request journal.
    public static func nowWithMilliseconds() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return format(milliseconds: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec / 1_000_000))
    }

    /// `milliseconds` since 1970 as "2026-11-21T10:00:00.123Z".
    public static func format(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        var bytes = digits(seconds: seconds)
        bytes.removeLast()  // the "Z"
        let fraction = Int32(milliseconds - seconds * 1000)
        bytes.append(UInt8(ascii: "."))
        append(fraction, digits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func format(_ date: Date) -> String {
        format(seconds: time_t(date.timeIntervalSince1970.rounded(.down)))
    }

    static func format(seconds: time_t) -> String {
        String(decoding: digits(seconds: Int64(seconds)), as: UTF8.self)
    }

    /// "2026-11-21T10:00:00Z" for `seconds` since 1970, by arithmetic on the proleptic Gregorian
    /// calendar (Howard Hinnant's `civil_from_days`): `gmtime_r` took a process-wide lock on every
    /// request's log line and journal row.
    static func digits(seconds: Int64) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(Int32(truncatingIfNeeded: year), digits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(Int32(month), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(Int32(day), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        append(Int32(secondOfDay / 3600), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(Int32(secondOfDay / 60 % 60), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(Int32(secondOfDay % 60), digits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return bytes
    }

    /// `value` in exactly `digits` decimal digits, zero-padded (the leading digits of a larger
    /// value are dropped, as a four-digit year field can only show years 0 to 9999).
    private static func append(_ value: Int32, digits: Int, to bytes: inout [UInt8]) {
        var divisor: Int32 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value % (divisor * 10)
        if rest < 0 { rest = -rest }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
