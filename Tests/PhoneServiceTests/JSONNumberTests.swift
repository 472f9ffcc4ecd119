import Testing

@testable import PhoneService

/// A small deterministic generator (SplitMix64) so that randomized tests reproduce exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct JSONNumberTests {
    /// Parses a number document and checks it is bit-for-bit what Double(String) gives.
    private func expectMatchesSwift(_ text: String) {
        guard let expected = Double(text) else {
            Issue.record("Double(String) rejects \(text)")
            return
        }
        // Values Double(String) rounds to infinity cannot be represented, so the parser refuses them.
        guard expected.isFinite else {
            #expect(throws: JSONError("number is too large to represent.", at: 0)) { try JSONParser.parse(text) }
            return
        }
        do {
            let value = try JSONParser.parse(text)
            guard case .number(let number) = value else {
                Issue.record("\(text) parsed as \(value)")
                return
            }
            #expect(number.bitPattern == expected.bitPattern, "\(text): \(number) != \(expected)")
        } catch {
            Issue.record("\(text) rejected: \(error.message)")
        }
    }

    static let tricky = [
        "0", "-0", "-0.0", "0.0e0", "1", "-1", "0.1", "0.2", "0.30000000000000004", "123.456e-10",
        "9007199254740991", "9007199254740992", "9007199254740993", "18446744073709551615",
        "18446744073709551616", "123456789012345678901234567890", "1e22", "1e23", "1.5e22", "123456789e20",
        "999999999999999.9", "1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072011e-308",
        "2.2250738585072014e-308", "4.9406564584124654e-324", "5e-324", "2e-324", "1e-400", "-1e-400",
        "0e999999999", "0.000000000000000000000000000000001", "1E5", "1e+005", "1e-0",
        "3.14159265358979323846264338327950288", "0.1000000000000000055511151231257827021181583404541015625",
        "7.2057594037927933e16", "8.98846567431158e307",
    ]

    @Test(arguments: tricky)
    func numbersMatchSwiftDoubleParsing(text: String) {
        expectMatchesSwift(text)
    }

    @Test func randomNumbersMatchSwiftDoubleParsing() {
        var random = SplitMix64(state: 42)
        for _ in 0..<20_000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let integerDigits = Int.random(in: 1...20, using: &random)
            text += String(Int.random(in: 1...9, using: &random))
            for _ in 1..<integerDigits { text += String(Int.random(in: 0...9, using: &random)) }
            if Bool.random(using: &random) {
                text += "."
                for _ in 0..<Int.random(in: 1...20, using: &random) {
                    text += String(Int.random(in: 0...9, using: &random))
                }
            }
            if Bool.random(using: &random) { text += "e\(Int.random(in: -330...310, using: &random))" }
            expectMatchesSwift(text)
        }
    }

    @Test func randomDoublesSurviveAWriteAndParse() throws {
        var random = SplitMix64(state: 7)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            let reparsed = try JSONParser.parse(JSONValue.number(value).serialized())
            #expect(reparsed == .number(value))
        }
    }

    @Test func veryLongNumbersAreParsed() {
        expectMatchesSwift("1" + String(repeating: "0", count: 300))
        expectMatchesSwift("0." + String(repeating: "0", count: 5000) + "1")
        expectMatchesSwift("1" + String(repeating: "0", count: 100_000) + "e-100000")
    }
}
