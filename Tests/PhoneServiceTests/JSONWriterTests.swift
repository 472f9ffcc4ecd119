import Testing

@testable import PhoneService

private func text(_ value: JSONValue) -> String {
    String(decoding: value.serialized(), as: UTF8.self)
}

@Suite struct JSONWriterTests {
    @Test func writerInsertsCommasAutomatically() {
        var w = JSONWriter()
        w.beginObject()
        w.key("id")
        w.string("abc")
        w.key("n")
        w.null()
        w.key("list")
        w.beginArray()
        w.number(1)
        w.beginArray()
        w.endArray()
        w.beginObject()
        w.endObject()
        w.bool(true)
        w.bool(false)
        w.endArray()
        w.key("nested")
        w.beginObject()
        w.key("x")
        w.number(-2.5)
        w.endObject()
        w.endObject()
        let expected = #"{"id":"abc","n":null,"list":[1,[],{},true,false],"nested":{"x":-2.5}}"#
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    }

    @Test func writerValueEmbedsParsedSubtrees() throws {
        var w = JSONWriter()
        w.beginArray()
        w.value(try JSONParser.parse(#"{"a":[1,{"b":null}]}"#))
        w.value(.string("x"))
        w.endArray()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"[{"a":[1,{"b":null}]},"x"]"#)
    }

    @Test func rawAppendsAreVerbatim() {
        var w = JSONWriter()
        w.appendRaw("{\"a\":")
        w.appendRaw(String(42))
        w.appendString("q\"")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":42"q\"""#)
    }

    @Test func stringsEscapeOnlyQuotesBackslashesAndControlCharacters() {
        let input = "a\"b\\c/d\n\r\t\u{8}\u{C}\u{0}\u{1}\u{1F}\u{7F}é😀\u{2028}"
        let expected = #""a\"b\\c/d\n\r\t\b\f\u0000\u0001\u001f"# + "\u{7F}é😀\u{2028}\""
        #expect(text(.string(input)) == expected)
    }

    static let numbers: [(Double, String)] = [
        (0, "0"), (-0.0, "-0"), (3, "3"), (-3, "-3"), (3.5, "3.5"), (0.1, "0.1"), (1e21, "1e+21"),
        (1e-7, "1e-07"), (9_007_199_254_740_992, "9007199254740992"), (-9_007_199_254_740_992, "-9007199254740992"),
        (9_007_199_254_740_994, "9.007199254740994e+15"), (1516239022, "1516239022"),
        (.leastNonzeroMagnitude, "5e-324"),
        (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (.infinity, "null"), (.nan, "null"),
    ]

    @Test(arguments: numbers)
    func numbersPrintCompactly(value: Double, expected: String) {
        #expect(text(.number(value)) == expected)
    }

    @Test func integersPrintExactly() {
        for value in [0, 7, -7, 10, 100, 1234567890, Int.max, Int.min] {
            var w = JSONWriter()
            w.number(value)
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(value))
        }
    }

    @Test func outputIsCompactAndOrdered() throws {
        let source = #" { "z" : [ 1 , 2 ] , "a" : { } , "m" : "" } "#
        #expect(text(try JSONParser.parse(source)) == #"{"z":[1,2],"a":{},"m":""}"#)
    }

    static let roundTripValues: [JSONValue] = [
        .null, .bool(true), .number(-0.0), .number(1e-300), .string(""), .string("\u{0}\u{1F}\"\\/é😀"),
        .array([]), .object([]),
        .object([
            (key: "phoneType", value: .string("mobile")), (key: "", value: .array([.null, .number(2.5)])),
            (key: "\n\u{1}", value: .object([(key: "k", value: .bool(false))])),
        ]),
    ]

    @Test(arguments: roundTripValues)
    func serializedValuesParseBackUnchanged(value: JSONValue) throws {
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    /// Builds a random value whose strings include escapes, controls and astral characters.
    private static func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
        switch Int.random(in: 0..<(depth > 5 ? 4 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(Double(Int32.random(in: .min ... .max, using: &random)) / 64)
        case 3: return .string(randomString(using: &random))
        case 4:
            return .array(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            let count = Int.random(in: 0...4, using: &random)
            return .object(
                (0..<count).map {
                    (key: "\($0)" + randomString(using: &random), value: randomValue(depth: depth + 1, using: &random))
                })
        }
    }

    private static func randomString(using random: inout SplitMix64) -> String {
        let pool: [Unicode.Scalar] = ["a", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "é", "€", "😀", "\u{FFFF}"]
        var result = ""
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            result.unicodeScalars.append(pool.randomElement(using: &random) ?? "a")
        }
        return result
    }

    @Test func randomDocumentsRoundTrip() throws {
        var random = SplitMix64(state: 2024)
        for _ in 0..<2_000 {
            let value = Self.randomValue(depth: 0, using: &random)
            #expect(try JSONParser.parse(value.serialized()) == value)
        }
    }
}
