import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A course's question bank for its instructors: its categories and questions, a GIFT or Moodle
/// XML file imported (all or nothing, or the sound questions with the rest reported by line),
/// and the bank downloaded in either format. The same `QuestionBankService` as the API and CLI.
struct QuestionBankPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let bank: QuestionBankService
    let upload: BankFileUpload

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/bank", use: page)
        routes.post("teach/:course/bank", use: importFile)
        routes.get("teach/:course/bank.xml", use: downloadXML)
        routes.get("teach/:course/bank.gift", use: downloadGIFT)
    }

    struct BankPage {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let categories: [Category]
        let questions: [Question]
        let more: Bool
        let problems: [FormProblems.Problem]
        let report: Report?
        let category: String
        let partial: Bool
    }

    struct Category {
        let path: String
        let count: Int
    }

    struct Question {
        let name: String
        let prompt: String
        let kind: String
        let category: String
    }

    struct Report {
        let imported: Int
        let categories: Int
        let skipped: [Skipped]
    }

    struct Skipped {
        let line: Int
        let name: String
        let reason: String
    }

    static let shown = 200

    private func render(
        _ course: Course, visitor: Visitor, request: Request, problems: FormProblems = FormProblems(), report: QuestionBankService.ImportReport? = nil,
        category: String = "", partial: Bool = false, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = renderer.strings(visitor.language)
        let text = ContentLanguage(course.translations, course: course, visitor: visitor)
        let questions = try await bank.questions(of: course, under: nil, page: try PageRequest(limitParameter: String(Self.shown), cursorParameter: nil))
        let page = BankPage(
            slug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? course.slug,
            categories: try await bank.categories(of: course).map { Category(path: $0.path, count: $0.questionCount) },
            questions: questions.items.map { stored in
                let prompt = ContentLanguage(stored.question.translations, course: course, visitor: visitor).value?.prompt ?? ""
                return Question(
                    name: stored.name ?? "", prompt: String(prompt.prefix(140)),
                    kind: strings["kind_\(stored.question.kind.rawValue)"] ?? stored.question.kind.rawValue, category: stored.category
                )
            },
            more: questions.nextCursor != nil, problems: problems.list,
            report: report.map { report in
                Report(imported: report.imported, categories: report.categories, skipped: report.skipped.map { Skipped(line: $0.line, name: $0.name, reason: $0.reason) })
            },
            category: category, partial: partial
        )
        return renderer.render("bank", title: strings["bank_title"] ?? "", page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await render(course, visitor: visitor, request: request)
    }

    /// The form's token and fields are read before the file's bytes are kept.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let admit = try SiteForm.fileUpload(request, secret: visitor.csrfSecret)
        var fields: [String: String] = [:]
        do {
            let form = try await upload.read(request, admit: admit)
            fields = form.fields
            guard let file = form.file else {
                throw AcademyError.validationFailed([FieldError(field: "file", message: "choose a GIFT or Moodle XML file")])
            }
            let category = form.fields["category"].flatMap { $0.isEmpty ? nil : $0 }
            let report = try await bank.importFile(file, format: form.format, into: course, category: category, partial: form.fields["partial"] == "on")
            return try await render(course, visitor: visitor, request: request, report: report)
        } catch {
            return try await render(
                course, visitor: visitor, request: request, problems: try FormProblems(error, conflictField: "file"),
                category: fields["category"] ?? "", partial: fields["partial"] == "on", status: .unprocessableContent
            )
        }
    }

    @Sendable func downloadXML(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await download(.moodleXML, request, context: context)
    }

    @Sendable func downloadGIFT(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await download(.gift, request, context: context)
    }

    private func download(_ format: QuestionBankService.Format, _ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return QuestionBankDownload.file(try await bank.export(course, format: format, category: nil), format: format, of: course)
    }
}
