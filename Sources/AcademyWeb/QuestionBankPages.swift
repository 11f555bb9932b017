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
    let quizzes: QuizRepository
    let authoring: CourseAuthoring
    /// The academy's languages: a bank question is written in any of them.
    let languages: [String]

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/bank", use: page)
        routes.post("teach/:course/bank", use: importFile)
        routes.get("teach/:course/bank.xml", use: downloadXML)
        routes.get("teach/:course/bank.gift", use: downloadGIFT)
        routes.get("teach/:course/bank/questions/:id", use: question)
        routes.post("teach/:course/bank/questions/:id", use: saveQuestion)
        routes.post("teach/:course/bank/questions/:id/delete", use: deleteQuestion)
        routes.post("teach/:course/bank/questions/:id/add-to-quiz", use: addToQuiz)
        routes.get("teach/:course/bank/images/:sha256", use: image)
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
        let link: String
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
                    link: "/teach/\(course.slug)/bank/questions/\(stored.id.apiString)", name: stored.name ?? "", prompt: String(prompt.prefix(140)),
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

    // MARK: One question

    struct QuestionPage {
        let slug: String
        let action: String
        let category: String
        let name: String
        let version: Int
        let images: [String]
        let question: QuizEditorPages.QuestionView
        /// The course's quizzes, to add the question to one of them.
        let quizzes: [FormOption]
        let problems: [FormProblems.Problem]
        let saved: Bool
    }

    /// A bank question in the quiz form's fields, every academy language side by side; editing it
    /// makes a new version (and new versions of the quizzes that take it).
    private func questionPage(
        _ stored: BankQuestion, form: QuestionForm, category: String, name: String, course: Course, visitor: Visitor, request: Request,
        problems: FormProblems = FormProblems(), status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = renderer.strings(visitor.language)
        let ordered = [course.defaultLanguage] + languages.filter { $0 != course.defaultLanguage }
        let page = QuestionPage(
            slug: course.slug, action: "/teach/\(course.slug)/bank/questions/\(stored.id.apiString)", category: category, name: name,
            version: stored.version,
            images: (stored.question.images ?? []).map { "/teach/\(course.slug)/bank/images/\($0.sha256)" },
            question: QuizEditorPages.questionView(
                form, index: 0, languages: ordered, strings: strings, problems: problems, renderer: renderer, removable: false
            ),
            quizzes: try await quizzes.quizzes(of: course.id).map { quiz in
                FormOption(value: quiz.id.apiString, label: ContentLanguage(quiz.content.translations, course: course, visitor: visitor).value?.title ?? "", selected: false)
            },
            problems: problems.list, saved: status == .ok && request.uri.queryParameters.get("saved") != nil
        )
        return renderer.render("bank-question", title: strings["bank_edit_title"] ?? "", page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func question(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let stored = try await bank.question(try context.parameters.uuid("id"), of: course)
        return try await questionPage(
            stored, form: QuestionForm(stored.question), category: stored.category, name: stored.name ?? "", course: course, visitor: visitor, request: request
        )
    }

    @Sendable func saveQuestion(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let stored = try await bank.question(try context.parameters.uuid("id"), of: course)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret, maximumBytes: context.maxUploadSize, maximumFields: QuizForm.maximumFields)
        let form = QuestionForm(fields, prefix: "q0-", languages: languages)
        let (category, name) = (fields.text("category"), fields.text("name"))
        do {
            var validation = FieldValidation()
            let question = form.question(languages: languages, field: "question", into: &validation)
            try validation.finish()
            guard var question else { throw AcademyError.validationFailed(validation.errors) }
            // Images come with imported files; the page keeps the question's own.
            question.images = stored.question.images
            let draft = BankQuestionDraft(category: category, name: name.isEmpty ? nil : name, question: question)
            _ = try await bank.update(stored.id, with: draft, in: course)
            return PageRenderer.redirect(to: "/teach/\(course.slug)/bank/questions/\(stored.id.apiString)?saved=1")
        } catch {
            return try await questionPage(
                stored, form: form, category: category, name: name, course: course, visitor: visitor, request: request,
                problems: try FormProblems(error), status: .unprocessableContent
            )
        }
    }

    /// Refused, and said why, while a quiz takes it or needs it to fill a draw.
    @Sendable func deleteQuestion(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await onQuestion(request, context: context) { stored, course, fields, _ in
            try fields.requireConfirmation()
            try await bank.delete(stored.id, in: course)
            return "/teach/\(course.slug)/bank"
        }
    }

    /// The question at the end of one of the course's quizzes (a new version of the quiz), then
    /// that quiz's form.
    @Sendable func addToQuiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await onQuestion(request, context: context) { stored, course, fields, visitor in
            guard let quizID = UUID(uuidString: fields.text("quiz_id")) else {
                throw AcademyError.validationFailed([FieldError(field: "quiz_id", message: "must be one of the course's quizzes")])
            }
            let (quiz, _) = try await access.editableQuiz(quizID, by: visitor.principal)
            let saved = try await authoring.add(bankQuestion: stored.id, to: quiz, of: course)
            return "/teach/quizzes/\(saved.id.apiString)?saved=1"
        }
    }

    /// A form about the question in the path: `act` returns where to go next; what it refuses is
    /// said on the question's page.
    private func onQuestion(
        _ request: Request, context: AppRequestContext, act: (BankQuestion, Course, FormFields, Visitor) async throws -> String
    ) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let stored = try await bank.question(try context.parameters.uuid("id"), of: course)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        do {
            return PageRenderer.redirect(to: try await act(stored, course, fields, visitor))
        } catch {
            return try await questionPage(
                stored, form: QuestionForm(stored.question), category: stored.category, name: stored.name ?? "", course: course, visitor: visitor,
                request: request, problems: try FormProblems(error), status: .unprocessableContent
            )
        }
    }

    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let image = try await bank.image(try BlobResponse.imageHash(context.parameters.get("sha256")), of: course)
        return try await BlobResponse.image(image, from: bank.files, request: request, context: context)
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
