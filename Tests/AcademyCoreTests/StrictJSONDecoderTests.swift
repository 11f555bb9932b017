import AcademyCore
import Foundation
import Testing

@Suite struct StrictJSONDecoderTests {
    struct Title: Decodable, Equatable {
        let title: String
        let summary: String?
    }

    struct CourseDraft: Decodable, Equatable {
        let slug: String
        let defaultLanguage: String
        let translations: [String: Title]
        let capacity: Int?
        let startsAt: Date?
        let tags: [String]
    }

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(AcademyError) -> T {
        try StrictJSONDecoder().decode(type, from: Data(json.utf8))
    }

    func fieldErrors(_ json: String) -> [FieldError] {
        do {
            _ = try decode(CourseDraft.self, json)
            return []
        } catch {
            guard case .validationFailed(let errors) = error else { return [FieldError(field: "?", message: "\(error)")] }
            return errors
        }
    }

    @Test func decodesSnakeCaseKeysDatesAndLiteralDictionaryKeys() throws {
        let draft = try decode(CourseDraft.self, """
            {"slug":"arabic-script","default_language":"ar",
             "translations":{"ar":{"title":"الخط العربي"},"pt-BR":{"title":"Escrita","summary":null}},
             "capacity":30,"starts_at":"2026-11-07T09:00:00Z","tags":["a","b"]}
            """)
        #expect(draft.defaultLanguage == "ar")
        #expect(draft.translations["pt-BR"] == Title(title: "Escrita", summary: nil))
        #expect(draft.translations["ar"]?.title == "الخط العربي")
        #expect(draft.capacity == 30)
        #expect(draft.startsAt == Date(timeIntervalSince1970: 1_794_042_000))
    }

    @Test func unknownKeysAreReportedWithTheirPath() {
        let errors = fieldErrors("""
            {"slug":"s","default_language":"ar","translations":{"ar":{"title":"t","subtitle":"x"}},
             "tags":[],"defaultLanguage":"en"}
            """)
        #expect(errors == [
            FieldError(field: "defaultLanguage", message: "is not a known field"),
            FieldError(field: "translations.ar.subtitle", message: "is not a known field"),
        ])
    }

    @Test func missingAndMistypedFieldsNameTheirPath() {
        #expect(fieldErrors(#"{"slug":"s","translations":{},"tags":[]}"#) == [
            FieldError(field: "default_language", message: "is required"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{"ar":{"title":5}},"tags":[]}"#) == [
            FieldError(field: "translations.ar.title", message: "must be a string, not a number"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{},"tags":["a",null]}"#) == [
            FieldError(field: "tags.1", message: "must not be null"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{},"tags":[],"capacity":2.5}"#) == [
            FieldError(field: "capacity", message: "must be an integer in range, not a number"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{},"tags":[],"starts_at":"tomorrow"}"#).first?.field == "starts_at")
        #expect(fieldErrors(#"{"slug":true,"default_language":"ar","translations":{},"tags":[]}"#) == [
            FieldError(field: "slug", message: "must be a string, not a boolean"),
        ])
    }

    /// Valid JSON, but no PostgreSQL text column can hold it: a clear 422 instead of the 500 the
    /// database's refusal (SQLSTATE 22021) used to become.
    @Test func theNulCharacterIsRefusedInEveryStringField() {
        #expect(fieldErrors(#"{"slug":"a\u0000b","default_language":"ar","translations":{},"tags":[]}"#) == [
            FieldError(field: "slug", message: "must not contain the NUL character (U+0000)"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{"ar":{"title":"\u0000"}},"tags":[]}"#) == [
            FieldError(field: "translations.ar.title", message: "must not contain the NUL character (U+0000)"),
        ])
        #expect(fieldErrors(#"{"slug":"s","default_language":"ar","translations":{},"tags":["ok","\u0000"]}"#) == [
            FieldError(field: "tags.1", message: "must not contain the NUL character (U+0000)"),
        ])
    }

    @Test func aBodyThatIsNotAnObjectIsAValidationError() {
        #expect(fieldErrors("[1,2]") == [FieldError(field: "", message: "must be an object, not an array")])
    }

    @Test func malformedJSONIsAMalformedRequest() {
        for body in ["{", "", "{\"slug\": }", "nul"] {
            #expect(throws: AcademyError.self) { try decode(CourseDraft.self, body) }
            do {
                _ = try decode(CourseDraft.self, body)
            } catch {
                guard case .malformedRequest(let detail) = error else {
                    Issue.record("\(body) gave \(error)")
                    continue
                }
                #expect(detail.hasPrefix("The body is not valid JSON: "))
                #expect(detail.contains(" at byte "))
            }
        }
    }

    @Test func bigIntegersOutOfRangeAreRefused() {
        struct Small: Decodable { let count: Int8 }
        #expect(throws: AcademyError.validationFailed([FieldError(field: "count", message: "must be an integer in range, not a number")])) {
            try decode(Small.self, #"{"count":300}"#)
        }
    }

    @Test func aTypeComposedFromAnotherKnowsTheKeysOfBoth() throws {
        struct Named: Decodable { let name: String }
        struct Ranked: Decodable {
            let named: Named
            let rank: Int
            enum CodingKeys: String, CodingKey { case rank }
            init(from decoder: any Decoder) throws {
                named = try Named(from: decoder)
                rank = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .rank)
            }
        }
        let ranked = try decode(Ranked.self, #"{"name":"Bilal","rank":2}"#)
        #expect(ranked.named.name == "Bilal")
        #expect(throws: AcademyError.validationFailed([FieldError(field: "ranc", message: "is not a known field")])) {
            try decode(Ranked.self, #"{"name":"Bilal","rank":2,"ranc":3}"#)
        }
    }
}
