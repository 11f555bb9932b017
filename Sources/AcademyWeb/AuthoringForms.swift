import AcademyAPI
import AcademyCore
import Foundation
import Hummingbird

/// What an authoring form says went wrong: the rules' field errors (named as in the API, for
/// example `translations.fr.title`) listed at the top, and each field marked invalid.
struct FormProblems {
    let list: [Problem]
    private let fields: Set<String>

    struct Problem {
        let field: String
        let message: String
    }

    init(_ errors: [FieldError] = []) {
        list = errors.map { Problem(field: $0.field, message: $0.message) }
        fields = Set(errors.map(\.field))
    }

    /// The refusals a form shows beside its fields (invalid fields; a conflict such as a taken
    /// slug, on `conflictField`); any other error is thrown on, to the error page.
    init(_ error: any Error, conflictField: String = "") throws {
        switch error {
        case AcademyError.validationFailed(let errors): self.init(errors)
        case AcademyError.conflict(let message): self.init([FieldError(field: conflictField, message: message)])
        case AcademyError.unsupportedMediaType(let expected): self.init([FieldError(field: "files", message: "must be \(expected)")])
        default: throw error
        }
    }

    func isInvalid(_ field: String) -> Bool {
        fields.contains(field)
    }
}

/// A content language as a form's column: its name in its own language, its direction, so that
/// each translation is typed and read the way it is written.
struct LanguageColumn {
    let code: String
    let name: String
    let dir: String
    let isDefault: Bool
}

/// Where a lesson or a quiz sits, as its form shows it: its module, its position, when it opens,
/// whether the item before it must be done first.
struct PlacementForm {
    var moduleID = ""
    var position = ""
    var releaseAt = ""
    var requiresPrevious = false

    init(moduleID: String) {
        self.moduleID = moduleID
    }

    init(moduleID: UUID, position: Int, releaseAt: Date?, requiresPrevious: Bool, timeZone: TimeZone) {
        self.moduleID = moduleID.apiString
        self.position = String(position)
        self.releaseAt = LocalDateTime.text(releaseAt, in: timeZone)
        self.requiresPrevious = requiresPrevious
    }

    init(_ fields: FormFields) {
        moduleID = fields.text("module_id")
        position = fields.text("position")
        releaseAt = fields.text("release_at")
        requiresPrevious = fields.first("requires_previous") == "on"
    }

    /// The typed values; a module id that does not read is a field error, as a number or date is.
    func values(in timeZone: TimeZone, into validation: inout FieldValidation) -> (moduleID: UUID?, position: Int?, releaseAt: Date?) {
        let module = UUID(uuidString: moduleID)
        if module == nil {
            validation.add(FieldError(field: "module_id", message: "must name a module of this course"))
        }
        return (
            module, FormValue.integer(position, field: "position", into: &validation),
            FormValue.date(releaseAt, field: "release_at", in: timeZone, into: &validation)
        )
    }

    /// The course's modules for a `<select>`, `selected` chosen.
    static func moduleOptions(_ modules: [CourseModule], course: Course, visitor: Visitor, selected: String) -> [FormOption] {
        modules.map { module in
            let title = ContentLanguage(module.titles, course: course, visitor: visitor)
            return FormOption(value: module.id.apiString, label: "\(module.position). \(title.value ?? "")", selected: module.id.apiString == selected)
        }
    }
}

/// A choice in a `<select>`.
struct FormOption {
    let value: String
    let label: String
    let selected: Bool
}

/// `<input type="datetime-local">` values, which carry no zone: read and written in the
/// instructor's own time zone, stored as instants.
enum LocalDateTime {
    static func text(_ date: Date?, in timeZone: TimeZone) -> String {
        guard let date else { return "" }
        return formatter(timeZone, seconds: false).string(from: date)
    }

    static func date(_ text: String, in timeZone: TimeZone) -> Date? {
        formatter(timeZone, seconds: false).date(from: text) ?? formatter(timeZone, seconds: true).date(from: text)
    }

    private static func formatter(_ timeZone: TimeZone, seconds: Bool) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = seconds ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm"
        return formatter
    }
}

extension SiteForm {
    /// A deletion's form: once its own box is ticked (a stray click deletes nothing), `delete`
    /// runs and the browser goes to `next`; a refusal (the box unticked, a rule such as "the
    /// module still holds items") comes back on the page `refused` renders with it.
    static func deletion(
        _ request: Request, visitor: Visitor, next: String, delete: () async throws -> Void,
        refused: (FormProblems) async throws -> Response
    ) async throws -> Response {
        let fields = try await fields(from: request, secret: visitor.csrfSecret)
        do {
            try fields.requireConfirmation()
            try await delete()
            return PageRenderer.redirect(to: next)
        } catch {
            return try await refused(try FormProblems(error))
        }
    }
}

extension AttachmentUpload {
    /// A file form's upload to a lesson or a session (its token checked before any byte of the
    /// file is kept): then back to `editor`'s files; a refusal comes back on the page `refused`
    /// renders with it.
    func attach(
        form request: Request, toItem itemID: UUID, visitor: Visitor, editor: String, refused: (FormProblems) async throws -> Response
    ) async throws -> Response {
        let admit = try SiteForm.fileUpload(request, secret: visitor.csrfSecret)
        do {
            _ = try await attach(form: request, toItem: itemID, admit: admit)
            return PageRenderer.redirect(to: "\(editor)?saved=1#files")
        } catch {
            return try await refused(try FormProblems(error))
        }
    }
}

extension FormFields {
    /// A deletion's form says so in a checkbox of its own: a stray click deletes nothing.
    func requireConfirmation() throws(AcademyError) {
        guard first("confirm") == "on" else {
            throw .validationFailed([FieldError(field: "confirm", message: "must be ticked to delete")])
        }
    }

    /// A field's text with surrounding spaces removed; empty when absent.
    func text(_ name: String) -> String {
        first(name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

}

/// A form's typed values, read from its text, where a form can go wrong as JSON cannot: a
/// number or a date that does not read is a field error named as the API names the field.
enum FormValue {
    /// A whole number (Arabic-Indic digits too); nil for an empty field.
    static func integer(_ text: String, field: String, into validation: inout FieldValidation) -> Int? {
        if text.isEmpty { return nil }
        if let number = TypedNumber.parse(text), number == number.rounded(), abs(number) < 1e9 { return Int(number) }
        validation.add(FieldError(field: field, message: "must be a whole number"))
        return nil
    }

    /// A number (Arabic-Indic digits and a decimal comma too); nil for an empty field.
    static func number(_ text: String, field: String, into validation: inout FieldValidation) -> Double? {
        if text.isEmpty { return nil }
        if let number = TypedNumber.parse(text), number.isFinite { return number }
        validation.add(FieldError(field: field, message: "must be a number"))
        return nil
    }

    /// A `datetime-local` value in `timeZone`; nil for an empty field.
    static func date(_ text: String, field: String, in timeZone: TimeZone, into validation: inout FieldValidation) -> Date? {
        if text.isEmpty { return nil }
        if let date = LocalDateTime.date(text, in: timeZone) { return date }
        validation.add(FieldError(field: field, message: "must be a date and time such as 2027-03-01T09:30"))
        return nil
    }
}
