import AcademyCore
@testable import AcademyStore
import Foundation
import Testing

@Suite struct QuizContentCacheTests {
    static func content(_ title: String) -> QuizContent {
        QuizContent(translations: ["en": .init(title: title)], questions: [])
    }

    @Test func keepsEveryVersionAndKnowsTheNewest() {
        let cache = QuizContentCache()
        let quiz = UUID()
        #expect(cache.newest(of: quiz) == nil)
        cache.store(Self.content("v2"), of: quiz, version: 2)
        cache.store(Self.content("v1"), of: quiz, version: 1)
        #expect(cache.newest(of: quiz)?.version == 2)
        #expect(cache.newest(of: quiz)?.content == Self.content("v2"))
        #expect(cache.content(of: quiz, version: 1) == Self.content("v1"))
        #expect(cache.content(of: UUID(), version: 1) == nil)
    }

    @Test func startsOverWhenFull() {
        let cache = QuizContentCache(capacity: 2)
        let quizzes = [UUID(), UUID(), UUID()]
        for quiz in quizzes {
            cache.store(Self.content("x"), of: quiz, version: 1)
        }
        #expect(cache.content(of: quizzes[0], version: 1) == nil)
        #expect(cache.newest(of: quizzes[0]) == nil)
        #expect(cache.content(of: quizzes[2], version: 1) == Self.content("x"))
    }

    @Test func settingsAreDecodedAgainOnlyWhenTheirTextChanged() throws {
        let cache = QuizContentCache()
        let quiz = UUID()
        var decodes = 0
        func settings(_ text: String) throws -> QuizSettings {
            try cache.settings(of: quiz, decodedFrom: text) { text in
                decodes += 1
                return QuizSettings(timeLimitSeconds: Int(text), maxAttempts: nil, passPercent: 50)
            }
        }
        #expect(try settings("60").timeLimitSeconds == 60)
        #expect(try settings("60").timeLimitSeconds == 60)
        #expect(decodes == 1)
        // Edited in place: the new text is decoded, whatever was held.
        #expect(try settings("90").timeLimitSeconds == 90)
        #expect(decodes == 2)
    }
}
