import AcademyCore
import Testing

@Suite struct JSONMergePatchTests {
    private func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text).get()
    }

    /// Every example of RFC 7396, appendix A.
    @Test(arguments: [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"a":1,"e":null}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ])
    func followsRFC7396(target: String, patch: String, result: String) throws {
        #expect(try json(target).applying(mergePatch: json(patch)) == json(result))
    }

    @Test func fixingOneLanguageKeepsTheOthers() throws {
        let course = try json(#"{"slug":"fiqh","translations":{"ar":{"title":"الفقه","summary":"س"},"en":{"title":"Fiqh","summary":"S"}}}"#)
        let patched = course.applying(mergePatch: try json(#"{"translations":{"en":{"title":"Fiqh I"}}}"#))
        #expect(patched == (try json(#"{"slug":"fiqh","translations":{"ar":{"title":"الفقه","summary":"س"},"en":{"title":"Fiqh I","summary":"S"}}}"#)))
    }
}
