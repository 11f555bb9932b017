import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

/// `POST /courses` and `PATCH /courses/{course}`. On PATCH every field is optional; a given
/// `translations` replaces all of them (authoring always sends every language at once).
struct CourseRequest: Decodable {
    struct Text: Decodable {
        let title: String
        let summary: String?
    }

    struct Enrollment: Decodable {
        let mode: EnrollmentMode
        let key: String?
        let capacity: Int?
        let opensAt: Date?
        let closesAt: Date?
    }

    let slug: String?
    let defaultLanguage: String?
    let translations: [String: Text]?
    let enrollment: Enrollment?
    let startsAt: Date?
    let endsAt: Date?

    /// The complete settings after applying this request to `existing` (nil when creating),
    /// validated as a whole. The enrollment key's hash is left for the caller to fill in.
    func draft(over existing: Course?, offered: [String]) throws(AcademyError) -> CourseDraft {
        var validation = FieldValidation()
        if existing == nil {
            if slug == nil { validation.add(FieldError(field: "slug", message: "is required")) }
            if defaultLanguage == nil { validation.add(FieldError(field: "default_language", message: "is required")) }
            if translations == nil { validation.add(FieldError(field: "translations", message: "is required")) }
        }
        let slug = validation.check(self.slug ?? existing?.slug) { CourseRules.slug($0) }
        let defaultLanguage = validation.check(self.defaultLanguage ?? existing?.defaultLanguage) {
            CourseRules.language($0, offered: offered, field: "default_language")
        }
        var texts: [String: CourseText] = existing?.translations ?? [:]
        if let translations {
            texts = [:]
            CourseRules.translations(translations, defaultLanguage: defaultLanguage ?? "", offered: offered, into: &validation) { text, path, validation in
                let title = validation.check(CourseRules.title(text.title, field: "\(path).title"))
                let summary = validation.check(CourseRules.summary(text.summary ?? "", field: "\(path).summary"))
                if let title, let summary, let language = path.split(separator: ".").last {
                    texts[String(language)] = CourseText(title: title, summary: summary)
                }
            }
        } else if let defaultLanguage, texts[defaultLanguage] == nil {
            validation.add(FieldError(field: "translations.\(defaultLanguage)", message: "is required: it is the default language"))
        }
        let mode = enrollment?.mode ?? existing?.enrollmentMode ?? .open
        let capacity = enrollment.map(\.capacity) ?? existing?.capacity
        CourseRules.enrollment(mode: mode, key: enrollment?.key, capacity: capacity, keyAlreadySet: existing?.hasEnrollmentKey ?? false, into: &validation)
        let startsAt = self.startsAt ?? existing?.startsAt
        let endsAt = self.endsAt ?? existing?.endsAt
        CourseRules.schedule(startsAt: startsAt, endsAt: endsAt, into: &validation)
        let enrolOpensAt = enrollment.map(\.opensAt) ?? existing?.enrolOpensAt
        let enrolClosesAt = enrollment.map(\.closesAt) ?? existing?.enrolClosesAt
        if let enrolOpensAt, let enrolClosesAt, enrolClosesAt <= enrolOpensAt {
            validation.add(FieldError(field: "enrollment.closes_at", message: "must be after enrollment.opens_at"))
        }
        try validation.finish()
        guard let slug, let defaultLanguage else { throw .validationFailed(validation.errors) }
        return CourseDraft(
            slug: slug, defaultLanguage: defaultLanguage, translations: texts, enrollmentMode: mode,
            enrollmentKeyHash: nil, capacity: capacity, startsAt: startsAt, endsAt: endsAt,
            enrolOpensAt: enrolOpensAt, enrolClosesAt: enrolClosesAt
        )
    }
}

struct CourseResponse: ResponseEncodable {
    let course: Course
    let choice: LanguageChoice
    /// All translations, for the course's instructors and admins.
    let includeTranslations: Bool

    enum CodingKeys: String, CodingKey {
        case id, slug, status, defaultLanguage, language, direction, availableLanguages, title, summary
        case translations, enrollment, startsAt, endsAt, createdAt, updatedAt
    }

    struct Enrollment: Encodable {
        let mode: EnrollmentMode
        let hasKey: Bool
        let capacity: Int?
        let opensAt: Date?
        let closesAt: Date?

        enum CodingKeys: String, CodingKey { case mode, hasKey, capacity, opensAt, closesAt }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mode, forKey: .mode)
            try container.encode(hasKey, forKey: .hasKey)
            try container.encode(capacity, forKey: .capacity)
            try container.encode(opensAt, forKey: .opensAt)
            try container.encode(closesAt, forKey: .closesAt)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let text = choice.text(course.translations)
        try container.encode(course.id.apiString, forKey: .id)
        try container.encode(course.slug, forKey: .slug)
        try container.encode(course.status, forKey: .status)
        try container.encode(course.defaultLanguage, forKey: .defaultLanguage)
        try container.encode(choice.language, forKey: .language)
        try container.encode(choice.direction, forKey: .direction)
        try container.encode(choice.available, forKey: .availableLanguages)
        try container.encode(text?.title ?? "", forKey: .title)
        try container.encode(text?.summary ?? "", forKey: .summary)
        if includeTranslations {
            try container.encode(course.translations, forKey: .translations)
        }
        try container.encode(
            Enrollment(mode: course.enrollmentMode, hasKey: course.hasEnrollmentKey, capacity: course.capacity, opensAt: course.enrolOpensAt, closesAt: course.enrolClosesAt),
            forKey: .enrollment
        )
        try container.encode(course.startsAt, forKey: .startsAt)
        try container.encode(course.endsAt, forKey: .endsAt)
        try container.encode(course.createdAt, forKey: .createdAt)
        try container.encode(course.updatedAt, forKey: .updatedAt)
    }
}

struct InstructorRequest: Decodable {
    let userId: UUID
}
