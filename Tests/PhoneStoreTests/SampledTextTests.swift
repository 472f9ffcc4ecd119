import Testing

@testable import PhoneStore

/// `SampledText` hashes a text's length and three samples; keys must still be told apart by their
/// whole text.
struct SampledTextTests {
    @Test func keysAlikeInEverySampleAreStillDistinct() {
        // Same length, same first, middle and last eight bytes; they differ elsewhere.
        let keys = (0..<50).map {
            "eyJhbGciOiJIUzI1NiJ9.\(100 + $0).payload-that-is-long-enough-to-sample.signature-tail"
        }
        #expect(Set(keys.map(\.utf8.count)).count == 1)
        var dictionary: [SampledText: Int] = [:]
        for (index, key) in keys.enumerated() { dictionary[SampledText(key)] = index }
        #expect(dictionary.count == keys.count)
        for (index, key) in keys.enumerated() { #expect(dictionary[SampledText(key)] == index) }
        #expect(dictionary[SampledText(keys[0] + "x")] == nil)
    }

    @Test func equalTextsHashAlikeWhateverTheirStorage() {
        let literal = "SELECT phone_type FROM phone_method WHERE user_id = ?"
        let built = ["SELECT phone_type", "FROM phone_method", "WHERE user_id = ?"].joined(separator: " ")
        #expect(SampledText(literal) == SampledText(built))
        #expect(SampledText(literal).hashValue == SampledText(built).hashValue)
        #expect(SampledText("").hashValue == SampledText("").hashValue)
        #expect(SampledText("short") != SampledText("shore"))
        #expect(Set(["a", "b", "ab", "ba", ""].map(SampledText.init)).count == 5)
    }
}
