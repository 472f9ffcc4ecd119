import Testing

@testable import PhoneService

@Suite struct PercentEncodingTests {
    @Test(arguments: [
        ("alice%40contoso.com", "alice@contoso.com"),
        ("a%2Fb", "a/b"),
        ("a%2fb", "a/b"),
        ("%C3%A9t%C3%A9", "été"),
        ("no-escapes", "no-escapes"),
        ("a+b", "a+b"),
        ("%2540", "%40"),
        ("", ""),
    ])
    func decodesEachEscapeOnce(encoded: String, decoded: String) {
        #expect(PercentEncoding.decode(Substring(encoded)) == decoded)
    }

    @Test func plusIsASpaceOnlyWhenAsked() {
        #expect(PercentEncoding.decode("phoneType+eq+'mobile'", plusIsSpace: true) == "phoneType eq 'mobile'")
        #expect(PercentEncoding.decode("a%2Bb", plusIsSpace: true) == "a+b")
        #expect(PercentEncoding.decode("a+b", plusIsSpace: false) == "a+b")
    }

    @Test(arguments: ["%", "%4", "a%zz", "%G0", "%FF", "%C3"])
    func malformedOrNonUTF8IsNil(encoded: String) {
        #expect(PercentEncoding.decode(Substring(encoded)) == nil)
    }

    @Test(arguments: [
        ("alice@contoso.com", "alice%40contoso.com"),
        ("a b/c", "a%20b%2Fc"),
        ("été", "%C3%A9t%C3%A9"),
        ("AZaz09-._~", "AZaz09-._~"),
        ("'()", "%27%28%29"),
    ])
    func encodesAllButUnreserved(text: String, encoded: String) {
        #expect(PercentEncoding.encode(text) == encoded)
    }

    @Test(arguments: ["alice@contoso.com", "a/b%c d", "ü@ß.de"])
    func encodeThenDecodeRoundTrips(text: String) {
        #expect(PercentEncoding.decode(Substring(PercentEncoding.encode(text))) == text)
    }
}
