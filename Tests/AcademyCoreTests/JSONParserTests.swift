import AcademyCore
import Foundation
import Testing

@Suite struct JSONParserTests {
    func parsed(_ text: String) -> JSONValue? {
        try? JSONParser.parse(text).get()
    }

    func failure(_ text: String) -> JSONParser.Failure? {
        guard case .failure(let failure) = JSONParser.parse(text) else { return nil }
        return failure
    }

    @Test func readsEveryKindOfValue() {
        #expect(parsed(#" {"a":[1,-2.5e3,0,true,false,null],"b":{"c":"d"},"e":""} "#) == .object([
            "a": .array([.number(1), .number(-2500), .number(0), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d")]),
            "e": .string(""),
        ]))
        #expect(parsed("[]") == .array([]))
        #expect(parsed("{}") == .object([:]))
        #expect(parsed("7") == .number(7))
    }

    @Test func decodesEscapesAndKeepsUnicode() {
        #expect(parsed(#""\"\\\/\b\f\n\r\t\u00e9\u0627\ud83d\ude00 عربي""#) == .string("\"\\/\u{8}\u{C}\n\r\té\u{627}😀 عربي"))
    }

    @Test(arguments: [
        ("", "unexpected end of the body"), ("[1,]", "unexpected character"), ("{\"a\":1,}", "expected a quoted key"),
        ("01", "unexpected data after the value"), ("1.", "malformed number"), ("-", "malformed number"), ("1e", "malformed number"),
        ("\"abc", "unterminated string"), ("\"a\u{1}b\"", "unescaped control character in a string"), (#""\x""#, "unknown escape"),
        (#""\ud800""#, "unpaired surrogate"), (#""\udc00""#, "unpaired surrogate"), (#""\u12G4""#, #"malformed \u escape"#),
        ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ',' or ']'"), ("{\"a\":1 \"b\":2}", "expected ',' or '}'"),
        ("tru", "unexpected end of the body"), ("nul1", "unexpected character"), ("1e999", "number out of range"),
        ("{\"a\":1,\"a\":2}", "duplicate key \"a\""), ("{} {}", "unexpected data after the value"), ("'a'", "unexpected character"),
    ])
    func refusesMalformedJSONWithAReason(text: String, reason: String) {
        #expect(failure(text)?.reason == reason)
    }

    @Test func refusesInvalidUTF8() {
        guard case .failure(let failure) = JSONParser.parse([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(failure.reason == "invalid UTF-8")
    }

    @Test func pointsAtTheOffendingByte() {
        #expect(failure(#"{"a": [1, 2, x]}"#)?.offset == 13)
    }

    @Test func boundsNestingAndStaysLinear() {
        let deepest = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(parsed(deepest) != nil)
        let tooDeep = "[" + deepest + "]"
        #expect(failure(tooDeep)?.reason == "nested deeper than 64 levels")
        // The hostile shape of the hardening issue: megabytes of openers fail at the 65th byte.
        let hostile = Array(repeating: UInt8(ascii: "["), count: 4_000_000)
        guard case .failure(let failure) = JSONParser.parse(hostile) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.offset == JSONParser.maximumDepth)
        let objects = String(repeating: #"{"a":"#, count: 200) + "1" + String(repeating: "}", count: 200)
        #expect(self.failure(objects)?.reason == "nested deeper than 64 levels")
    }

    @Test func agreesWithFoundationOnWhatItAccepts() throws {
        let documents = [
            #"{"slug":"arabic-script","translations":{"ar":{"title":"الخط العربي"}},"capacity":30,"tags":["a","b"],"x":null}"#,
            #"[0.5,-0,1E2,1e-2,123456789012,"\u0041\n"]"#,
        ]
        for document in documents {
            let foundation = try JSONSerialization.jsonObject(with: Data(document.utf8))
            let ours = try #require(parsed(document))
            #expect(Self.plain(ours) as? NSObject == foundation as? NSObject, "\(document)")
        }
    }

    static func plain(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let bool): bool
        case .number(let number): number
        case .string(let string): string
        case .array(let array): array.map(plain)
        case .object(let object): object.mapValues(plain)
        }
    }
}

@Suite struct CanonicalJSONTests {
    @Test func keyOrderAndLayoutDoNotChangeTheCanonicalText() throws {
        let one = try JSONParser.parse(#"{"b": [1, {"y": null, "x": true}], "a": "ا\""}"#).get()
        let other = try JSONParser.parse(#"{"a":"ا\"","b":[1,{"x":true,"y":null}]}"#).get()
        #expect(one.canonicalText == other.canonicalText)
        #expect(one.canonicalText == #"{"a":"ا\"","b":[1.0,{"x":true,"y":null}]}"#)
        #expect(try JSONParser.parse("[2, 1]").get().canonicalText != JSONParser.parse("[1, 2]").get().canonicalText)
    }
}
