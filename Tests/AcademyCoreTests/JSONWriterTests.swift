import AcademyCore
import Foundation
import Testing

@Suite struct JSONWriterTests {
    @Test func membersAndElementsAreSeparatedAndNested() {
        var json = JSONWriter()
        json.object { json in
            json.key("empty")
            json.array { _ in }
            json.key("list")
            json.array { json in
                json.number(1)
                json.object { json in
                    json.key("a")
                    json.bool(true)
                    json.key("b")
                    json.string(nil)
                }
                json.array { json in json.string("x") }
            }
            json.key("n")
            json.number(nil as Int?)
        }
        #expect(json.text == #"{"empty":[],"list":[1,{"a":true,"b":null},["x"]],"n":null}"#)
    }

    @Test func numbersAndDatesAreWrittenAsTheAPIEncoderWritesThem() throws {
        var json = JSONWriter()
        json.array { json in
            json.number(2.0)
            json.number(-3.0)
            json.number(33.33)
            json.number(0.5)
            json.date(Date(timeIntervalSince1970: 1_796_000_000))
        }
        #expect(json.text == #"[2,-3,33.33,0.5,"2026-11-30T00:53:20Z"]"#)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let encoded = String(decoding: try encoder.encode([2.0, -3.0, 33.33, 0.5]), as: UTF8.self)
        #expect(json.text.hasPrefix(String(encoded.dropLast())))
    }

    @Test func stringsAreEscapedAndReadBackUnchanged() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} DEL \u{7F} العربية 🕌"
        var json = JSONWriter()
        json.object { json in
            json.key("text \"key\"")
            json.string(hostile)
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: String])
        #expect(parsed == ["text \"key\"": hostile])
        // Escapes between runs of multi-byte text, at the start and at the end.
        #expect(QuotedText.doubleQuoted("\"أ\u{0}ب\n\u{7F}🕌\\") == #""\"أ\u0000ب\n\u007F🕌\\""#)
        #expect(QuotedText.doubleQuoted("") == #""""# && QuotedText.doubleQuoted("نص") == #""نص""#)
    }

    @Test func everyResponseKindReadsBackAsWritten() throws {
        let responses: [QuestionResponse] = [
            .option("b"), .options(["c", "a"]), .value(true), .value(false), .text("  نص \"quoted\" "), .number(2.5), .number(-4),
        ]
        for response in responses {
            #expect(try StrictJSONDecoder().decode(QuestionResponse.self, from: Data(response.json.utf8)) == response)
        }
        #expect(QuestionResponse.options(["c", "a"]).json == #"{"option_ids":["a","c"]}"#)
    }

    @Test func aSavedAnswerIsWrittenWithSortedKeys() {
        let answer = SavedAnswer(questionID: "q1", response: .option("b"), seq: 7, savedAt: Date(timeIntervalSince1970: 1_796_000_000))
        var json = JSONWriter()
        answer.write(to: &json)
        #expect(json.text == #"{"question_id":"q1","response":{"option_id":"b"},"saved_at":"2026-11-30T00:53:20Z","seq":7}"#)
    }

    @Test func anAttemptPlanReadsBackAsItsColumnKeepsIt() throws {
        let plan = AttemptPlan(items: [
            AttemptPlan.Item(questionId: "q2", optionIds: ["c", "a", "b"]), AttemptPlan.Item(questionId: "q\"1", optionIds: nil),
        ])
        #expect(plan.json == #"{"items":[{"option_ids":["c","a","b"],"question_id":"q2"},{"question_id":"q\"1"}]}"#)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(AttemptPlan.self, from: Data(plan.json.utf8)) == plan)
    }

    @Test func textWithoutEscapesIsQuotedAsItIs() {
        #expect(QuotedText.doubleQuoted("plain العربية") == "\"plain العربية\"")
        #expect(QuotedText.doubleQuoted("") == "\"\"")
        #expect(QuotedText.doubleQuoted("a\u{7F}b") == #""a\u007Fb""#)
    }
}
