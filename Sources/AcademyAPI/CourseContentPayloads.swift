import AcademyContent
package import AcademyCore
import AcademyStore
package import Foundation
import Hummingbird

/// `POST /courses/{course}/modules`, and the document `PATCH /modules/{id}` merges into.
package struct ModuleRequest: Codable, Sendable {
    package struct Text: Codable, Sendable {
        let title: String

        package init(title: String) {
            self.title = title
        }
    }

    let position: Int?
    let translations: [String: Text]?

    package init(position: Int?, translations: [String: Text]?) {
        self.position = position
        self.translations = translations
    }

    package init(editing module: CourseModule) {
        position = module.position
        translations = module.titles.mapValues(Text.init)
    }

    func validatedTitles(defaultLanguage: String, offered: [String]) throws(AcademyError) -> [String: String] {
        var validation = FieldValidation()
        if let position, position < 1 {
            validation.add(FieldError(field: "position", message: "must be 1 or more"))
        }
        guard let translations = validation.require(translations, "translations") else {
            throw .validationFailed(validation.errors)
        }
        var titles: [String: String] = [:]
        CourseRules.translations(translations, defaultLanguage: defaultLanguage, offered: offered, into: &validation) { text, path, validation in
            if let title = validation.check(CourseRules.title(text.title, field: "\(path).title")), let language = path.split(separator: ".").last {
                titles[String(language)] = title
            }
        }
        try validation.finish()
        return titles
    }
}

/// `POST /courses/{course}/lessons`, and the document `PATCH /lessons/{id}` merges into. Markdown
/// is rendered to safe HTML when stored, so reads never render.
package struct LessonRequest: Codable, Sendable {
    package struct Text: Codable, Sendable {
        let title: String
        let bodyMarkdown: String

        package init(title: String, bodyMarkdown: String) {
            self.title = title
            self.bodyMarkdown = bodyMarkdown
        }
    }

    let moduleId: UUID?
    let position: Int?
    let translations: [String: Text]?
    let releaseAt: Date?
    let requiresPrevious: Bool?

    package init(moduleId: UUID?, position: Int?, translations: [String: Text]?, releaseAt: Date?, requiresPrevious: Bool?) {
        self.moduleId = moduleId
        self.position = position
        self.translations = translations
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
    }

    package init(editing lesson: Lesson) {
        moduleId = lesson.moduleID
        position = lesson.position
        translations = lesson.translations.mapValues { Text(title: $0.title, bodyMarkdown: $0.bodyMarkdown) }
        releaseAt = lesson.releaseAt
        requiresPrevious = lesson.requiresPrevious
    }

    /// The valid texts, each rendered (only once every field proved valid); a text whose Markdown
    /// is the one `rendered` already holds keeps that HTML instead of being rendered again.
    func validatedTexts(defaultLanguage: String, offered: [String], rendered: [String: LessonText] = [:]) async throws -> [String: LessonText] {
        var validation = FieldValidation()
        if let position, position < 1 {
            validation.add(FieldError(field: "position", message: "must be 1 or more"))
        }
        let sources = validation.require(translations, "translations").map { translations in
            CourseRules.titledTexts(
                translations.mapValues { ($0.title, $0.bodyMarkdown) }, textField: "body_markdown", textRule: { CourseRules.body($0, field: $1) },
                defaultLanguage: defaultLanguage, offered: offered, into: &validation
            )
        } ?? [:]
        try validation.finish()
        return try await LessonText.rendered(sources, earlier: rendered)
    }
}

struct ModuleResponse: ResponseEncodable {
    let module: CourseModule
    let choice: LanguageChoice

    enum CodingKeys: String, CodingKey {
        case id, courseId, position, language, direction, availableLanguages, title, translations
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(module.id.apiString, forKey: .id)
        try container.encode(module.courseID.apiString, forKey: .courseId)
        try container.encode(module.position, forKey: .position)
        try container.encode(choice.language, forKey: .language)
        try container.encode(choice.direction, forKey: .direction)
        try container.encode(choice.available, forKey: .availableLanguages)
        try container.encode(choice.text(module.titles) ?? "", forKey: .title)
        try container.encode(module.titles.mapValues { ["title": $0] }, forKey: .translations)
    }
}

/// A lesson in the caller's language (with every translation for its editors), written directly
/// (`JSONWriter`): JSONEncoder took 9% of a student's lesson read. Members in key order, as the
/// API's encoder sorts them.
struct LessonResponse: ResponseGenerator {
    let lesson: Lesson
    let attachments: [Attachment]
    let choice: LanguageChoice
    let includeTranslations: Bool

    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(json)
    }

    var json: String {
        let text = choice.text(lesson.translations)
        var json = JSONWriter(capacity: 1024 + (text?.bodyHTML.utf8.count ?? 0) + (text?.bodyMarkdown.utf8.count ?? 0))
        json.object { json in
            json.key("attachments")
            json.array { json in
                for attachment in attachments {
                    AttachmentResponse(attachment: attachment).write(to: &json)
                }
            }
            json.key("available_languages")
            json.array { json in
                for language in choice.available { json.string(language) }
            }
            json.member("body_html", text?.bodyHTML ?? "")
            json.member("body_markdown", text?.bodyMarkdown ?? "")
            json.member("course_id", lesson.courseID.apiString)
            json.member("direction", choice.direction.rawValue)
            json.member("id", lesson.id.apiString)
            json.member("language", choice.language)
            json.member("module_id", lesson.moduleID.apiString)
            json.member("position", lesson.position)
            json.member("release_at", lesson.releaseAt)
            json.member("requires_previous", lesson.requiresPrevious)
            json.member("title", text?.title ?? "")
            if includeTranslations {
                json.key("translations")
                json.object { json in
                    for (language, text) in lesson.translations.sorted(by: { $0.key < $1.key }) {
                        json.key(language)
                        json.object { json in
                            json.member("body_markdown", text.bodyMarkdown)
                            json.member("title", text.title)
                        }
                    }
                }
            }
            json.member("updated_at", lesson.updatedAt)
        }
        return json.text
    }
}

struct CoverageResponse: ResponseEncodable {
    let coverage: TranslationCoverage

    enum CodingKeys: String, CodingKey { case languages, complete, missing }

    struct Gap: Encodable {
        let kind: String
        let id: String
        let title: String
        let missingLanguages: [String]
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(coverage.languages, forKey: .languages)
        try container.encode(coverage.gaps.isEmpty, forKey: .complete)
        try container.encode(coverage.gaps.map { Gap(kind: $0.kind, id: $0.id.apiString, title: $0.title, missingLanguages: $0.missing) }, forKey: .missing)
    }
}
