public import Foundation

/// The rules for course, module and lesson content as authors submit it.
public enum CourseRules {
    public static let titleMaximumCharacters = 200
    public static let summaryMaximumCharacters = 2_000
    public static let bodyMaximumBytes = 1_000_000

    /// Lowercase letters, digits and single hyphens, 3–80 characters: safe in URLs and folders.
    public static func slug(_ raw: String, field: String = "slug") -> Result<String, FieldError> {
        let valid = (3...80).contains(raw.count)
            && raw.allSatisfy { ($0.isASCII && $0.isLowercase && $0.isLetter) || ($0.isASCII && $0.isNumber) || $0 == "-" }
            && !raw.hasPrefix("-") && !raw.hasSuffix("-") && !raw.contains("--")
            && UUID(uuidString: raw) == nil
        return valid ? .success(raw) : .failure(FieldError(field: field, message: "must be 3–80 lowercase letters, digits and single hyphens, such as arabic-script"))
    }

    public static func language(_ raw: String, offered: [String], field: String) -> Result<String, FieldError> {
        offered.contains(raw)
            ? .success(raw)
            : .failure(FieldError(field: field, message: "must be one of the academy's languages: \(offered.joined(separator: ", "))"))
    }

    /// Translations keyed by language: every key an offered language, the default language
    /// present, and each entry valid by `validate` (which reports with the entry's path).
    public static func translations<Text>(
        _ translations: [String: Text],
        defaultLanguage: String?,
        offered: [String],
        into validation: inout FieldValidation,
        validate: (Text, String, inout FieldValidation) -> Void
    ) {
        // Without a valid default language (reported on its own) there is nothing to require.
        if let defaultLanguage, translations[defaultLanguage] == nil {
            validation.add(FieldError(field: "translations.\(defaultLanguage)", message: "is required: it is the default language"))
        }
        for (language, text) in translations.sorted(by: { $0.key < $1.key }) {
            guard offered.contains(language) else {
                validation.add(FieldError(field: "translations.\(language)", message: "is not one of the academy's languages: \(offered.joined(separator: ", "))"))
                continue
            }
            validate(text, "translations.\(language)", &validation)
        }
    }

    /// Translations of a title and a Markdown text (a lesson's body, a live session's description,
    /// an announcement's body) checked by `translations`, each title by `title` and each text by
    /// `textRule` under `textField`: the valid ones by language.
    public static func titledTexts(
        _ translations: [String: (title: String, text: String)], textField: String, textRule: (String, String) -> Result<String, FieldError>,
        defaultLanguage: String, offered: [String], into validation: inout FieldValidation
    ) -> [String: (title: String, text: String)] {
        var valid: [String: (title: String, text: String)] = [:]
        Self.translations(translations, defaultLanguage: defaultLanguage, offered: offered, into: &validation) { entry, path, validation in
            let title = validation.check(Self.title(entry.title, field: "\(path).title"))
            let text = validation.check(textRule(entry.text, "\(path).\(textField)"))
            if let title, let text, let language = path.split(separator: ".").last {
                valid[String(language)] = (title, text)
            }
        }
        return valid
    }

    public static func title(_ raw: String, field: String) -> Result<String, FieldError> {
        let title = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...titleMaximumCharacters).contains(title.count) else {
            return .failure(FieldError(field: field, message: "must be 1 to \(titleMaximumCharacters) characters"))
        }
        return .success(title)
    }

    public static func summary(_ raw: String, field: String) -> Result<String, FieldError> {
        let summary = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard summary.count <= summaryMaximumCharacters else {
            return .failure(FieldError(field: field, message: "must be at most \(summaryMaximumCharacters) characters"))
        }
        return .success(summary)
    }

    /// Markdown as stored: NFC, at most `maximumBytes` of UTF-8 (a lesson's body; a session's
    /// description and an announcement's body have lower limits), not blank when `required`.
    public static func body(_ raw: String, field: String, maximumBytes: Int = bodyMaximumBytes, required: Bool = false) -> Result<String, FieldError> {
        let body = raw.precomposedStringWithCanonicalMapping
        if required, body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(FieldError(field: field, message: "must not be empty"))
        }
        guard body.utf8.count <= maximumBytes else {
            return .failure(FieldError(field: field, message: "must be at most \(maximumBytes) bytes"))
        }
        return .success(body)
    }

    /// A course's dates: the end, when given, after the start.
    public static func schedule(startsAt: Date?, endsAt: Date?, into validation: inout FieldValidation) {
        if let startsAt, let endsAt, endsAt <= startsAt {
            validation.add(FieldError(field: "ends_at", message: "must be after starts_at"))
        }
    }

    /// Enrollment settings: a `key` course needs a key; capacity, when given, is positive.
    public static func enrollment(mode: EnrollmentMode, key: String?, capacity: Int?, keyAlreadySet: Bool, into validation: inout FieldValidation) {
        if mode == .key, (key ?? "").isEmpty, !keyAlreadySet {
            validation.add(FieldError(field: "enrollment.key", message: "is required when mode is key"))
        }
        if let key, !key.isEmpty, !(8...200).contains(key.count) {
            validation.add(FieldError(field: "enrollment.key", message: "must be 8 to 200 characters"))
        }
        if let capacity, !(1...100_000).contains(capacity) {
            validation.add(FieldError(field: "enrollment.capacity", message: "must be from 1 to 100000"))
        }
    }
}

extension CourseRules {
    /// Students must never find a published course with nothing to read: publishing needs at least
    /// one lesson. Checked when a course is published through the API or the CLI and when a course
    /// folder says `status: published`.
    public static func requirePublishable(_ status: CourseStatus, lessonCount: Int) throws(AcademyError) {
        if status == .published, lessonCount == 0 {
            throw .validationFailed([FieldError(field: "lessons", message: "must include at least one lesson before the course is published")])
        }
    }

    /// A module is deleted only when empty, so no lesson or quiz disappears with it by accident.
    public static func requireDeletable(moduleHolding itemCount: Int) throws(AcademyError) {
        guard itemCount == 0 else {
            throw .conflict("The module still holds \(itemCount) item(s); move or delete them first.")
        }
    }

    /// Only instructors and admins teach: a student account must change role before it can.
    public static func requireCanTeach(_ role: Role) throws(AcademyError) {
        guard role != .student else {
            throw .validationFailed([FieldError(field: "user_id", message: "must be an instructor or administrator; change the role first")])
        }
    }
}
