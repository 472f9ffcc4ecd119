import Foundation
import Testing

@testable import PhoneStore

/// `PhoneNumber.isValid` (the API's early check), the schema's `phone_number_format` CHECK and the
/// documented regular expression must agree exactly.
struct PhoneNumberTests {
    static let pattern = #"^\+[1-9][0-9]{0,2} [0-9]{1,15}(x[0-9]{1,10})?$"#

    static let examples: [(String, Bool)] = [
        ("+1 2065555555", true),
        ("+44 07777777777", true),
        ("+1 2065555555x123", true),
        ("+123 1", true),
        ("+1 123456789012345", true),
        ("+1 1234567890123456", false),
        ("+1 123456789012345x1234567890", true),
        ("+1 1234567890123456x1", false),
        ("+1 1x12345678901", false),
        ("+12065555555", false),
        ("+0 123", false),
        ("+1234 5", false),
        ("+1  2", false),
        ("+1 2065555555 ", false),
        (" +1 2065555555", false),
        ("+1 2065555555x", false),
        ("+1 x123", false),
        ("+1 2065555555x12x3", false),
        ("+1 2065555555X123", false),
        ("+1 ２０６", false),
        ("+١ 206", false),
        ("", false),
        ("+", false),
        ("+1", false),
        ("+1 ", false),
        ("1 2065555555", false),
        ("+1 206-555-5555", false),
        ("+1 2065555555\n", false),
        ("+a 1", false),
        ("++1 2", false),
    ]

    static func oracle(_ number: String) -> Bool {
        // A match must cover the whole string: ICU's `$` also matches before a final newline.
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        let whole = NSRange(number.startIndex..., in: number)
        return regex.firstMatch(in: number, range: whole)?.range == whole
    }

    /// Whether the schema accepts `number`, by inserting it as an office phone on a plain
    /// connection inside a transaction the caller rolls back.
    final class SchemaCheck {
        let db: Database

        init(path: String) throws {
            db = try operatorConnection(path)
            try db.execute(RawSQL.insertUser(Fixture.aliceID, "alice@contoso.com"))
            try db.execute("BEGIN")
        }

        deinit { try? db.execute("ROLLBACK") }

        func accepts(_ number: String) throws -> Bool {
            do {
                try db.run(
                    "INSERT INTO phone_method VALUES (?, 'office', ?, 'now', 'now')",
                    [.text(Fixture.aliceID), .text(number)])
            } catch {
                guard case .rule(.phoneNumberFormat) = StoreError(error) else { throw error }
                return false
            }
            try db.run("DELETE FROM phone_method WHERE user_id = ?", [.text(Fixture.aliceID)])
            return true
        }
    }

    @Test func examplesAgreeWithTheDocumentedForm() throws {
        try withStore { _, path in
            let schema = try SchemaCheck(path: path)
            for (number, valid) in Self.examples {
                #expect(Self.oracle(number) == valid, "regex: \(number.debugDescription)")
                #expect(PhoneNumber.isValid(number) == valid, "isValid: \(number.debugDescription)")
                #expect(try schema.accepts(number) == valid, "schema: \(number.debugDescription)")
            }
        }
    }

    @Test func generatedStringsAgreeAcrossSwiftSchemaAndRegex() throws {
        var random = SplitMix64(seed: 0x5048_4F4E)
        var candidates = (0..<300).map { _ in Self.noise(&random) }
        candidates += (0..<400).map { _ in Self.nearlyValid(&random) }
        var accepted = 0
        try withStore { _, path in
            let schema = try SchemaCheck(path: path)
            for number in candidates {
                let expected = Self.oracle(number)
                let swift = PhoneNumber.isValid(number)
                let sql = try schema.accepts(number)
                #expect(swift == expected, "isValid(\(number.debugDescription)) = \(swift), regex says \(expected)")
                #expect(sql == expected, "schema accepts \(number.debugDescription): \(sql), regex says \(expected)")
                if expected { accepted += 1 }
            }
        }
        // The generator exercises both sides of the rule.
        #expect(accepted > 100)
        #expect(candidates.count - accepted > 100)
    }

    static let alphabet = Array("+0123456789 xXa9Z+ 1")

    /// Any mix of '+', digits, spaces, 'x' and letters.
    static func noise(_ random: inout SplitMix64) -> String {
        let length = Int.random(in: 0...24, using: &random)
        var s = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
        if !s.isEmpty, Bool.random(using: &random) { s[0] = "+" }
        return String(s)
    }

    /// A string built to the form with lengths around each limit, then sometimes mutated once.
    static func nearlyValid(_ random: inout SplitMix64) -> String {
        func digits(_ range: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: range, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
        }
        var s = "+" + digits(0...4) + " " + digits(0...17)
        if Bool.random(using: &random) { s += "x" + digits(0...12) }
        if Int.random(in: 0..<3, using: &random) == 0 {
            var characters = Array(s)
            let index = Int.random(in: 0..<characters.count, using: &random)
            let replacement = alphabet.randomElement(using: &random)!
            switch Int.random(in: 0..<3, using: &random) {
            case 0: characters[index] = replacement
            case 1: characters.insert(replacement, at: index)
            default: characters.remove(at: index)
            }
            s = String(characters)
        }
        return s
    }

    @Test func expectedFormNamesAnExample() {
        #expect(PhoneNumber.expectedForm.contains("+1 2065555555"))
        #expect(PhoneNumber.isValid("+1 2065555555"))
    }
}

/// A small seeded generator (SplitMix64), so every run tests the same strings.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
