import Foundation
import ShadowKit
import Testing

/// The hand-written JSON parser: every value type, every escape, every error with the column it names,
/// and the round trip through `jsonText`.
@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    /// The error a text produces; fails the test when the text parses.
    private func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
        do {
            let value = try parse(text)
            Issue.record("\(text) parsed as \(value)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Valid documents

    @Test func scalarsOfEveryType() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("42") == .int(42))
        #expect(try parse("-17") == .int(-17))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-0.25") == .double(-0.25))
        #expect(try parse("1e3") == .double(1000))
        #expect(try parse("2.5E-2") == .double(0.025))
        #expect(try parse("1e+2") == .double(100))
        #expect(try parse("\"text\"") == .string("text"))
        #expect(try parse("\"\"") == .string(""))
    }

    @Test func integersAndOtherNumbersStayApart() throws {
        #expect(try parse("1") == .int(1))
        #expect(try parse("1.0") == .double(1.0))
        #expect(try parse("9223372036854775807") == .int(Int.max))
        // Too big for Int: kept as a number rather than refused.
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("3").numberValue == 3)
        #expect(try parse("3.5").numberValue == 3.5)
        #expect(try parse("\"3\"").numberValue == nil)
    }

    @Test func containers() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(try parse("[1, \"a\", null, true, [2], {\"k\": false}]")
                == .array([.int(1), .string("a"), .null, .bool(true), .array([.int(2)]), .object(["k": .bool(false)])]))
        let object = try parse(#"{"scenario":"s-1","seq":3,"nested":{"list":[1.5,{"deep":null}]}}"#)
        #expect(object["scenario"] == .string("s-1"))
        #expect(object["seq"] == .int(3))
        #expect(object["nested"]?["list"] == .array([.double(1.5), .object(["deep": .null])]))
        #expect(object["missing"] == nil)
        #expect(JSONValue.int(1)["key"] == nil)
    }

    @Test func whitespaceAroundAndBetweenTokens() throws {
        #expect(try parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] }\r\n ") == .object(["a": .array([.int(1), .int(2)])]))
    }

    @Test func nestingUpToTheLimit() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(deep) }
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = try #require(failure(tooDeep))
        #expect(error.column == 65)
        #expect(error.message.contains("nested deeper than 64"))
    }

    // MARK: Escapes

    @Test func simpleEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d""#) == .string("a\"b\\c/d"))
        #expect(try parse(#""\b\f\n\r\t""#) == .string("\u{08}\u{0C}\n\r\t"))
    }

    @Test func unicodeEscapes() throws {
        #expect(try parse(#""\u0041\u00e9\u00E9""#) == .string("Aéé"))
        #expect(try parse(#""\u20AC""#) == .string("€"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        // A surrogate pair is one scalar outside the BMP.
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
        // Escapes and raw UTF-8 mix.
        #expect(try parse(#""é\n😀""#) == .string("é\n😀"))
    }

    @Test func rawUTF8IsKept() throws {
        #expect(try parse("\"Grüße, 世界 😀\"") == .string("Grüße, 世界 😀"))
    }

    // MARK: Errors and their columns

    @Test(arguments: [
        // (text, column, part of the message)
        ("", 1, "expected a value"),
        ("   ", 4, "expected a value"),
        ("@", 1, "unexpected character"),
        ("[1,]", 4, "unexpected character"),
        ("[1 2]", 4, "expected ',' or ']'"),
        ("[1,2", 5, "unterminated array"),
        ("{1:2}", 2, "expected a quoted key"),
        (#"{"a" 1}"#, 6, "expected ':'"),
        (#"{"a":1 "b":2}"#, 8, "expected ',' or '}'"),
        (#"{"a":1,}"#, 8, "expected a quoted key"),
        (#"{"a":1"#, 7, "unterminated object"),
        (#""abc"#, 5, "unterminated string"),
        (#""a\u12G4""#, 7, "invalid hex digit"),
        (#""\u12""#, 4, #"incomplete \u escape"#),
        ("tru", 1, "expected true"),
        ("nul", 1, "expected null"),
        ("fals", 1, "expected false"),
        ("01", 1, "leading zero"),
        ("-01", 2, "leading zero"),
        ("-", 2, "invalid number"),
        ("-a", 2, "invalid number"),
        ("[1, 1.5.5]", 5, "invalid number 1.5.5"),
        ("1e999", 1, "invalid number"),
        ("[1] x", 5, "unexpected text after the JSON value"),
        ("{} {}", 4, "unexpected text after the JSON value"),
    ] as [(String, Int, String)])
    func errorNamesItsColumn(text: String, column: Int, message: String) throws {
        let error = try #require(failure(text))
        #expect(error.column == column, "\(text): \(error)")
        #expect(error.message.contains(message), "\(text): \(error)")
        #expect(error.description == "column \(error.column): \(error.message)")
    }

    @Test func controlCharacterInStringNamesItsColumn() throws {
        let error = try #require(failure("\"ab\u{01}c\""))
        #expect(error.column == 4)
        #expect(error.message.contains("control character"))
        // A raw newline inside a string is a control character too, also after an escape.
        #expect(failure("\"a\\n\nb\"")?.column == 5)
    }

    /// An invalid escape is reported at the escape (`\x` starts at column 3, `x` is column 4), not after it.
    @Test func invalidEscapeNamesTheEscapeColumn() throws {
        let error = try #require(failure(#""a\x""#))
        #expect(error.message.contains("invalid escape"))
        #expect([3, 4].contains(error.column), "\(error)")
    }

    @Test func surrogatesMustBePaired() throws {
        #expect(failure(#""\ud83d""#)?.message.contains("unpaired surrogate") == true)
        #expect(failure(#""\ud83dx""#)?.message.contains("unpaired surrogate") == true)
        #expect(failure(#""\ud83d\u0041""#)?.message.contains("unpaired surrogate") == true)
        // A low surrogate alone is not a scalar.
        #expect(failure(#""\ude00""#)?.message.contains(#"invalid \u escape"#) == true)
    }

    @Test func duplicateKeysAreRefused() throws {
        let error = try #require(failure(#"{"a":1,"a":2}"#))
        #expect(error.message.contains("duplicate key \"a\""))
    }

    /// RFC 8259: a fraction needs at least one digit after the point, an exponent at least one digit.
    @Test(arguments: ["1.", "1.e5", "[2.]", "1e", "1e+"])
    func incompleteNumbersAreRefused(text: String) {
        #expect(failure(text) != nil)
    }

    // MARK: Writing and the round trip

    @Test func jsonTextIsCompactWithSortedKeys() {
        let value = JSONValue.object(["b": .int(1), "a": .array([.bool(true), .null]), "c": .object(["z": .string("x"), "y": .double(2.5)])])
        #expect(value.jsonText == #"{"a":[true,null],"b":1,"c":{"y":2.5,"z":"x"}}"#)
    }

    @Test func doublesKeepTheirKind() {
        #expect(JSONValue.double(1).jsonText == "1.0")
        #expect(JSONValue.double(-3).jsonText == "-3.0")
        #expect(JSONValue.double(0.1).jsonText == "0.1")
        #expect(JSONValue.double(.infinity).jsonText == "null")
        #expect(JSONValue.double(.nan).jsonText == "null")
    }

    @Test func stringsAreEscaped() {
        #expect(JSONValue.string("a\"b\\c\n\r\t\u{01}\u{1F}é😀").jsonText == #""a\"b\\c\n\r\t\u0001\u001fé😀""#)
    }

    static let roundTripValues: [JSONValue] = [
        .null, .bool(false), .int(0), .int(-42), .int(Int.max), .int(Int.min), .double(1.5), .double(-0.001),
        .double(1), .double(1e20), .double(2.5e-8), .double(123_456_789.125), .string(""),
        .string("quote \" backslash \\ slash / controls \u{0}\u{8}\u{C}\n\r\t\u{1F} unicode é € 😀 \u{2028}"),
        .array([]), .object([:]),
        .array([.int(1), .array([.array([.null])]), .object(["k": .string("v")])]),
        .object(["scenario": .string("s-000017"), "seq": .int(1), "weights": .array([.int(1), .double(0.5)]),
                 "nested": .object(["a": .object(["b": .object(["c": .bool(true)])])]), "é": .string("key with accent")]),
    ]

    @Test(arguments: roundTripValues)
    func roundTripThroughJSONText(value: JSONValue) throws {
        let text = value.jsonText
        let parsed = try parse(text)
        #expect(parsed == value, "\(text)")
        #expect(parsed.jsonText == text)
    }

    @Test func canonicalTextIsAFixedPoint() throws {
        let messy = #" { "z" : [ 1 , 2.50 , "\u0041" ] , "a" : { } } "#
        let canonical = try parse(messy).jsonText
        #expect(canonical == #"{"a":{},"z":[1,2.5,"A"]}"#)
        #expect(try parse(canonical).jsonText == canonical)
    }

    /// The tree of an `Encodable` value goes through JSONEncoder and this parser.
    @Test func treeOfAnEncodable() {
        struct Sample: Encodable {
            var name = "x"
            var count = 3
            var share = 0.5
            var tags = ["a", "b"]
            var missing: Int? = nil
        }
        #expect(JSONValue.of(Sample()) == .object(["name": .string("x"), "count": .int(3), "share": .double(0.5),
                                                   "tags": .array([.string("a"), .string("b")])]))
    }

    @Test func typeNames() {
        #expect([JSONValue.null, .bool(true), .int(1), .double(1), .string(""), .array([]), .object([:])].map(\.typeName)
                == ["null", "boolean", "integer", "number", "string", "array", "object"])
    }
}
