import Testing

@testable import PhoneService

/// The word-at-a-time scan against the byte-by-byte predicate it replaces: every byte value at
/// every position of buffers of 0 to 19 bytes (so in the eight-byte words and in the tail), on a
/// background of plain letters and of bytes at or above 0x80 (UTF-8), for the JSON and the log
/// parameters.
struct ByteScanTests {
    static let parameters: [(limit: UInt8, first: UInt8, second: UInt8)] = [
        (0x20, UInt8(ascii: "\""), UInt8(ascii: "\\")),
        (0x21, UInt8(ascii: "\""), 0x7f),
    ]

    @Test(arguments: [UInt8(ascii: "a"), 0xc3, 0xff])
    func agreesWithTheBytewisePredicate(background: UInt8) {
        for (limit, first, second) in Self.parameters {
            func expected(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < limit || $0 == first || $0 == second } }
            for length in 0..<20 {
                let plain = [UInt8](repeating: background, count: length)
                let none = plain.withUnsafeBufferPointer {
                    ByteScan.contains(below: limit, or: first, or: second, in: $0)
                }
                #expect(none == expected(plain), "length \(length)")
                for position in 0..<length {
                    for value in 0...255 {
                        var bytes = plain
                        bytes[position] = UInt8(value)
                        let found = bytes.withUnsafeBufferPointer {
                            ByteScan.contains(below: limit, or: first, or: second, in: $0)
                        }
                        if found != expected(bytes) {
                            Issue.record("limit \(limit): byte \(value) at \(position) of \(length): \(found)")
                        }
                    }
                }
            }
        }
    }

    @Test func escapingAndQuotingStillHappen() {
        var writer = JSONWriter()
        writer.string("0123456789\"tab\there\\ and \u{1}")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""0123456789\"tab\there\\ and \u0001""#)
        #expect("abcdefghij klm".withContiguousUTF8 { LogLine.needsQuotes($0) })
        #expect("abcdefghij\u{7f}".withContiguousUTF8 { LogLine.needsQuotes($0) })
        #expect(!"abcdefghijklmnopq/é".withContiguousUTF8 { LogLine.needsQuotes($0) })
    }
}
