import AcademyCore
@testable import AcademyStore
import Foundation
import Testing

/// The bounds of `LessonCache`; that a kept lesson is only served at its course's current content
/// version is proven against the database (AcademyAPITests' `LessonCacheTests`).
@Suite struct LessonCacheBoundsTests {
    static func entry(bodyBytes: Int, version: Int64 = 1, id: UUID = UUID()) -> LessonCache.Entry {
        let course = Course(
            id: UUID(), slug: "bounds", defaultLanguage: "en", status: .published, enrollmentMode: .open, hasEnrollmentKey: false,
            capacity: nil, startsAt: nil, endsAt: nil, translations: [:], createdAt: Date(), updatedAt: Date()
        )
        let text = LessonText(title: "t", bodyMarkdown: String(repeating: "x", count: bodyBytes), bodyHTML: "")
        let lesson = Lesson(
            id: id, courseID: course.id, moduleID: UUID(), position: 1, releaseAt: nil, requiresPrevious: false,
            translations: ["en": text], updatedAt: Date()
        )
        return LessonCache.Entry(contentVersion: version, lesson: lesson, attachments: [], course: course, schedule: [])
    }

    @Test func keepsALessonAtItsNewestVersion() {
        let cache = LessonCache()
        let first = Self.entry(bodyBytes: 10)
        #expect(cache.entry(for: first.lesson.id) == nil)
        cache.store(first)
        #expect(cache.entry(for: first.lesson.id)?.contentVersion == 1)
        cache.store(Self.entry(bodyBytes: 10, version: 3, id: first.lesson.id))
        #expect(cache.entry(for: first.lesson.id)?.contentVersion == 3)
        // A read that began before the last change and ends after it keeps nothing older.
        cache.store(Self.entry(bodyBytes: 10, version: 2, id: first.lesson.id))
        #expect(cache.entry(for: first.lesson.id)?.contentVersion == 3)
    }

    @Test func doesNotKeepALessonBiggerThanAnEighthOfTheBudget() {
        let cache = LessonCache(budgetBytes: 80_000)
        let big = Self.entry(bodyBytes: 10_001)
        cache.store(big)
        #expect(cache.entry(for: big.lesson.id) == nil)
    }

    @Test func startsOverWhenTheNextLessonDoesNotFit() {
        let cache = LessonCache(budgetBytes: 80_000)
        let entries = (0..<9).map { _ in Self.entry(bodyBytes: 9_000) }
        for entry in entries { cache.store(entry) }
        // Eight of about 9.3 KB each fit in 80,000 bytes; the ninth made it start over.
        #expect(entries.dropLast().allSatisfy { cache.entry(for: $0.lesson.id) == nil })
        #expect(cache.entry(for: entries[8].lesson.id) != nil)
    }

    @Test func replacingALessonFreesWhatItsOldVersionTook() {
        let cache = LessonCache(budgetBytes: 80_000)
        let kept = Self.entry(bodyBytes: 9_000)
        cache.store(kept)
        let other = Self.entry(bodyBytes: 9_000)
        for version in 2...20 { cache.store(Self.entry(bodyBytes: 9_000, version: Int64(version), id: other.lesson.id)) }
        #expect(cache.entry(for: kept.lesson.id) != nil)
        #expect(cache.entry(for: other.lesson.id)?.contentVersion == 20)
    }
}
