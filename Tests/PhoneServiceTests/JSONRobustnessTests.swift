import Testing

@testable import PhoneService

/// Inputs a fuzzer would find: mutations and truncations of a real document, and large bodies that
/// would expose quadratic behaviour. No timing assertions; these must simply finish and agree.
@Suite struct JSONRobustnessTests {
    static let sample = Array(
        #"""
        {"id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 2065555555","phoneType":"mobile",
         "smsSignInState":"notAllowedByPolicy","list":[1,-2.5e-3,true,false,null,{"x":"\u00e9\ud83d\ude00\n"}]}
        """#.utf8)

    @Test func everyPrefixIsHandled() {
        for length in 0..<Self.sample.count {
            #expect(throws: JSONError.self) { try JSONParser.parse(Self.sample[..<length]) }
        }
        #expect(throws: Never.self) { try JSONParser.parse(Self.sample) }
    }

    @Test func randomMutationsNeverCrashAndAcceptedOnesRoundTrip() throws {
        var random = SplitMix64(state: 99)
        let interesting: [UInt8] =
            Array(#"{}[]",:\u0123456789eE+-.tfn "#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xED, 0xF0, 0xFF]
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = Self.sample
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                let byte =
                    Bool.random(using: &random)
                    ? interesting.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                default: bytes.remove(at: position)
                }
            }
            guard let value = try? JSONParser.parse(bytes) else { continue }
            accepted += 1
            // Whatever is accepted must be valid UTF-8 and survive a write and reparse unchanged.
            #expect(String(validating: bytes, as: UTF8.self) != nil)
            #expect(try JSONParser.parse(value.serialized()) == value)
        }
        #expect(accepted > 0)
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(state: 5)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func largeDocumentRoundTrips() throws {
        var w = JSONWriter()
        w.beginArray()
        for index in 0..<50_000 {
            w.beginObject()
            w.key("id")
            w.string("user-\(index)")
            w.key("phoneNumber")
            w.string("+1 206555\(index)")
            w.key("score")
            w.number(Double(index) / 3)
            w.key("tags")
            w.beginArray()
            w.string("a\tb")
            w.bool(index % 2 == 0)
            w.null()
            w.endArray()
            w.endObject()
        }
        w.endArray()
        let value = try JSONParser.parse(w.bytes)
        guard case .array(let elements) = value else {
            Issue.record("not an array")
            return
        }
        #expect(elements.count == 50_000)
        #expect(elements[49_999]["id"] == .string("user-49999"))
        #expect(value.serialized() == w.bytes)
    }

    @Test func longStringsWithManyEscapesAreLinear() throws {
        let count = 1_000_000
        let body =
            [UInt8(ascii: "\"")] + Array(repeating: Array(#"\n\u00e9"#.utf8), count: count / 8).joined() + [
                UInt8(ascii: "\"")
            ]
        guard case .string(let text) = try JSONParser.parse(body) else {
            Issue.record("not a string")
            return
        }
        #expect(text.unicodeScalars.count == count / 4)
    }

    @Test func wideObjectsAreLinear() throws {
        let members = (0..<100_000).map { #""member\#($0)":\#($0)"# }.joined(separator: ",")
        let value = try JSONParser.parse("{" + members + "}")
        #expect(value["member99999"] == .number(99_999))
    }
}
