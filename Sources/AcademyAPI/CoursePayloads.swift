package import AcademyCore
import AcademyStore
package import Foundation
import Hummingbird

/// `POST /courses`, and the document `PATCH /courses/{course}` merges into (the course's editable
/// fields; the enrolment key is write-only, so a course's document never holds it).
package struct CourseRequest: Codable, Sendable {
    package struct Text: Codable, Sendable {
        let title: String
        let summary: String?

        package init(title: String, summary: String?) {
            self.title = title
            self.summary = summary
        }
    }

    package struct Enrollment: Codable, Sendable {
        let mode: EnrollmentMode
        let key: String?
        let capacity: Int?
        let opensAt: Date?
        let closesAt: Date?

        package init(mode: EnrollmentMode, key: String?, capacity: Int?, opensAt: Date?, closesAt: Date?) {
            self.mode = mode
            self.key = key
            self.capacity = capacity
            self.opensAt = opensAt
            self.closesAt = closesAt
        }
    }

    let slug: String?
    let defaultLanguage: String?
    let translations: [String: Text]?
    let enrollment: Enrollment?
    let startsAt: Date?
    let endsAt: Date?

    package init(slug: String?, defaultLanguage: String?, translations: [String: Text]?, enrollment: Enrollment?, startsAt: Date?, endsAt: Date?) {
        self.slug = slug
        self.defaultLanguage = defaultLanguage
        self.translations = translations
        self.enrollment = enrollment
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    package init(editing course: Course) {
        slug = course.slug
        defaultLanguage = course.defaultLanguage
        translations = course.translations.mapValues { Text(title: $0.title, summary: $0.summary) }
        enrollment = Enrollment(mode: course.enrollmentMode, key: nil, capacity: course.capacity, opensAt: course.enrolOpensAt, closesAt: course.enrolClosesAt)
        startsAt = course.startsAt
        endsAt = course.endsAt
    }

    /// The complete settings this document describes, validated as a whole. `keyAlreadySet`: the
    /// course has a key, so mode `key` may leave it out. The key's hash is left for the caller.
    func draft(offered: [String], keyAlreadySet: Bool) throws(AcademyError) -> CourseDraft {
        var validation = FieldValidation()
        let slug = validation.check(validation.require(self.slug, "slug")) { CourseRules.slug($0) }
        let defaultLanguage = validation.check(validation.require(self.defaultLanguage, "default_language")) {
            CourseRules.language($0, offered: offered, field: "default_language")
        }
        validation.require(translations, "translations")
        var texts: [String: CourseText] = [:]
        CourseRules.translations(translations ?? [:], defaultLanguage: translations == nil ? nil : defaultLanguage, offered: offered, into: &validation) { text, path, validation in
            let title = validation.check(CourseRules.title(text.title, field: "\(path).title"))
            let summary = validation.check(CourseRules.summary(text.summary ?? "", field: "\(path).summary"))
            if let title, let summary, let language = path.split(separator: ".").last {
                texts[String(language)] = CourseText(title: title, summary: summary)
            }
        }
        let mode = enrollment?.mode ?? .open
        CourseRules.enrollment(mode: mode, key: enrollment?.key, capacity: enrollment?.capacity, keyAlreadySet: keyAlreadySet, into: &validation)
        CourseRules.schedule(startsAt: startsAt, endsAt: endsAt, into: &validation)
        if let opensAt = enrollment?.opensAt, let closesAt = enrollment?.closesAt, closesAt <= opensAt {
            validation.add(FieldError(field: "enrollment.closes_at", message: "must be after enrollment.opens_at"))
        }
        try validation.finish()
        guard let slug, let defaultLanguage else { throw .validationFailed(validation.errors) }
        return CourseDraft(
            slug: slug, defaultLanguage: defaultLanguage, translations: texts, enrollmentMode: mode,
            enrollmentKeyHash: nil, capacity: enrollment?.capacity, startsAt: startsAt, endsAt: endsAt,
            enrolOpensAt: enrollment?.opensAt, enrolClosesAt: enrollment?.closesAt
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
