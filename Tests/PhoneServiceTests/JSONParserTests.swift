import Testing

@testable import PhoneService

/// Parses text that the test expects to be valid, recording an issue instead of throwing.
private func parsed(_ text: String) -> JSONValue? {
    do {
        return try JSONParser.parse(text)
    } catch {
        Issue.record("unexpected error for \(text.debugDescription): \(error.message)")
        return nil
    }
}

/// The error for bytes the test expects to be rejected.
private func failure(_ bytes: [UInt8]) -> JSONError? {
    do {
        let value = try JSONParser.parse(bytes)
        Issue.record("accepted \(bytes) as \(value)")
        return nil
    } catch {
        return error
    }
}

private func failure(_ text: String) -> JSONError? { failure(Array(text.utf8)) }

@Suite struct JSONParserTests {
    static let validDocuments: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        (" \t\r\n 42 \n", .number(42)),
        ("0", .number(0)),
        ("-0", .number(-0.0)),
        ("-1.5e3", .number(-1500)),
        ("1E+2", .number(100)),
        ("1e-2", .number(0.01)),
        ("[]", .array([])),
        ("{}", .object([])),
        ("[ ]", .array([])),
        ("{ }", .object([])),
        (#""""#, .string("")),
        ("[1,[2,[3]]]", .array([.number(1), .array([.number(2), .array([.number(3)])])])),
        (
            #"{ "b" : [true, null], "a":"x" }"#,
            .object([(key: "b", value: .array([.bool(true), .null])), (key: "a", value: .string("x"))])
        ),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u00C9\u0000""#, .string("éÉ\u{0}")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#""\uD83D\uDE00x""#, .string("😀x")),
        (#""héllo 😀 ✓""#, .string("héllo 😀 ✓")),
        (#""a\u0041b\nc""#, .string("aAb\nc")),
        (
            #"{"phoneType":"mobile","phoneNumber":"+1 2065550100"}"#,
            .object([
                (key: "phoneType", value: .string("mobile")), (key: "phoneNumber", value: .string("+1 2065550100")),
            ])
        ),
    ]

    @Test(arguments: validDocuments)
    func acceptsValidDocument(text: String, expected: JSONValue) {
        #expect(parsed(text) == expected)
    }

    static let invalidDocuments: [(String, String, Int)] = [
        (" ", "unexpected end of input, expected a value.", 1),
        ("[1,]", "trailing comma before ']'.", 3),
        (#"{"a":1,}"#, "trailing comma before '}'.", 7),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' after an object member.", 7),
        (#"{"a":1"#, "unexpected end of input, expected ',' or '}' after an object member.", 6),
        ("[1 2]", "expected ',' or ']' after an array element.", 3),
        ("[1", "unexpected end of input, expected ',' or ']' after an array element.", 2),
        (#"{"a" 1}"#, "expected ':' after a property name.", 5),
        ("{a:1}", "expected a property name in double quotes.", 1),
        ("{'a':1}", "expected a property name in double quotes.", 1),
        ("{,}", "expected a property name in double quotes.", 1),
        ("[,1]", "expected a value.", 1),
        ("01", "numbers must not have leading zeros.", 0),
        ("-01", "numbers must not have leading zeros.", 1),
        ("-", "unexpected end of input, expected a digit after '-'.", 1),
        ("1.", "unexpected end of input, expected a digit after the decimal point.", 2),
        ("1.e5", "expected a digit after the decimal point.", 2),
        ("1e", "unexpected end of input, expected a digit in the exponent.", 2),
        ("1e+", "unexpected end of input, expected a digit in the exponent.", 3),
        (".5", "expected a value.", 0),
        ("+1", "expected a value.", 0),
        ("0x10", "expected the end of the body after the JSON value.", 1),
        ("NaN", "expected a value.", 0),
        ("Infinity", "expected a value.", 0),
        ("-Infinity", "expected a digit after '-'.", 1),
        ("1e400", "number is too large to represent.", 0),
        ("-1e400", "number is too large to represent.", 0),
        ("tru", "expected a value.", 0),
        ("True", "expected a value.", 0),
        ("nulll", "expected the end of the body after the JSON value.", 4),
        ("[1] x", "expected the end of the body after the JSON value.", 4),
        ("1 2", "expected the end of the body after the JSON value.", 2),
        ("{}{}", "expected the end of the body after the JSON value.", 2),
        ("/* c */ 1", "expected a value.", 0),
        ("// c\n1", "expected a value.", 0),
        ("[1]// c", "expected the end of the body after the JSON value.", 3),
        ("'a'", "expected a value.", 0),
        (#""abc"#, "unterminated string.", 0),
        (#"["a\"]"#, "unterminated string.", 1),
        ("\"a\nb\"", "control characters in strings must be escaped.", 2),
        ("\"a\tb\"", "control characters in strings must be escaped.", 2),
        ("\"\u{0}\"", "control characters in strings must be escaped.", 1),
        (#""\x""#, "invalid escape sequence in a string.", 1),
        (#""\U0041""#, "invalid escape sequence in a string.", 1),
        (#""\u12""#, "a \\u escape needs four hexadecimal digits.", 1),
        (#""\u12g4""#, "a \\u escape needs four hexadecimal digits.", 1),
        (#""\u12"#, "unterminated string.", 1),
        (#""\ud800""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""\udc00""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""\ude00\ud83d""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""\ud800\u0041""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""\ud800\ud800""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""x\ud800x""#, "unpaired UTF-16 surrogate in a \\u escape.", 2),
        (#""\ud800\n""#, "unpaired UTF-16 surrogate in a \\u escape.", 1),
        (#""\ud800\u12""#, "a \\u escape needs four hexadecimal digits.", 7),
        (#"{"phoneType":1,"phoneType":2}"#, "duplicate property 'phoneType'.", 15),
        (#"{"a":{"b":1,"b":1}}"#, "duplicate property 'b'.", 12),
        ("\u{FEFF}1", "expected a value.", 0),
    ]

    @Test(arguments: invalidDocuments)
    func rejectsInvalidDocumentWithPreciseMessage(text: String, reason: String, offset: Int) {
        let error = failure(text)
        #expect(error == JSONError(reason, at: offset), "for \(text.debugDescription)")
    }

    @Test func emptyBodyHasItsOwnMessage() {
        #expect(failure([]) == JSONError(message: "The request body is empty.", offset: 0))
    }

    @Test func errorMessagesAreCompleteSentencesNamingTheByte() {
        #expect(
            failure(#"{"a":1 "b":2}"#)?.message == "Invalid JSON at byte 7: expected ',' or '}' after an object member."
        )
    }

    static let invalidUTF8: [([UInt8], Int)] = [
        ([0x22, 0xC3, 0x28, 0x22], 1),  // lead byte without its continuation
        ([0x22, 0x80, 0x22], 1),  // stray continuation byte
        ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong '/'
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong, three bytes
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-8-encoded surrogate U+D800
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
        ([0x22, 0x61, 0xE2, 0x82], 2),  // truncated by the end of the input
        ([0x22, 0x61, 0xE2, 0x82, 0x22], 2),  // truncated by the closing quote
        ([0xFF], 0),  // outside any string
        ([0x5B, 0x31, 0x2C, 0xFE, 0x5D], 3),
        ([0x31, 0x20, 0xC3], 2),  // trailing garbage
        ([0x7B, 0x22, 0xC3, 0x22, 0x3A, 0x31, 0x7D], 2),  // in a property name
    ]

    @Test(arguments: invalidUTF8)
    func rejectsInvalidUTF8Anywhere(bytes: [UInt8], offset: Int) {
        #expect(failure(bytes) == JSONError("invalid UTF-8.", at: offset))
    }

    @Test func acceptsEveryWellFormedUTF8Length() {
        let text = "\"\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}\""
        #expect(parsed(text) == .string("\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"))
    }

    @Test func nestingUpToTheLimitIsAccepted() {
        let depth = JSONParser.maxDepth
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(parsed(arrays) != nil)
        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(parsed(objects) != nil)
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let depth = JSONParser.maxDepth + 1
        let reason = "arrays and objects are nested more than 64 levels deep."
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(failure(arrays) == JSONError(reason, at: 64))
        let mixed = String(repeating: #"{"a":["#, count: 40)
        #expect(failure(mixed) == JSONError(reason, at: 32 * 6))
    }

    @Test func hugeNestingFailsWithoutExhaustingTheStack() {
        let error = failure([UInt8](repeating: 0x5B, count: 1_000_000))
        #expect(error?.offset == 64)
    }

    @Test func duplicateDetectionWorksInLargeObjects() {
        let members = (0..<100).map { #""k\#($0)":\#($0)"# }
        #expect(parsed("{" + members.joined(separator: ",") + "}")?["k99"] == .number(99))
        let duplicated = "{" + (members + [#""k3":0"#]).joined(separator: ",") + "}"
        #expect(failure(duplicated)?.message.hasSuffix("duplicate property 'k3'.") == true)
    }

    @Test func canonicallyEquivalentKeysAreDuplicates() {
        // "é" precomposed and decomposed are the same key to JSONValue's subscript, so both cannot be kept.
        #expect(failure(#"{"\u00e9":1,"e\u0301":2}"#)?.message.hasSuffix("duplicate property 'é'.") == true)
    }

    @Test func duplicatePropertyMessageIsSanitized() {
        let long = String(repeating: "x", count: 100)
        let message = failure(#"{"\#(long)\n":1,"\#(long)\n":2}"#)?.message ?? ""
        #expect(message.hasSuffix("duplicate property '\(String(repeating: "x", count: 64))…'."))
        #expect(failure(#"{"a\nb":1,"a\nb":2}"#)?.message.hasSuffix("duplicate property 'a?b'.") == true)
    }

    @Test func acceptsEveryInputKind() throws {
        let text = #"{"a":[1,"é"]}"#
        let expected = try JSONParser.parse(text)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
        #expect(try JSONParser.parse(text.utf8) == expected)
        #expect(try JSONParser.parse(AnyCollection(text.utf8)) == expected)  // not contiguous: copied
        #expect(try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) } == expected)
    }
}
