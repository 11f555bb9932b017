import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird
import NIOCore

/// Taking a quiz in the browser: its page, starting, one form with every question (which works
/// without JavaScript: Save and Submit post it), each answer autosaved by the page's script as it
/// changes, and the result as the review policy allows.
struct QuizPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let taking: QuizTaking
    let blobs: BlobStore

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("quizzes/:id", use: quiz)
        routes.post("quizzes/:id/start", use: start)
        routes.get("attempts/:id", use: attempt)
        routes.post("attempts/:id", use: saveOrSubmit)
        routes.post("attempts/:id/answers/:question", use: autosave)
        routes.get("attempts/:id/images/:sha256", use: image)
    }

    struct QuizPage {
        let id: String
        let courseSlug: String
        let lang: String
        let dir: String
        let title: String
        let instructions: String?
        let minutes: Int?
        let maxAttempts: Int?
        let isStudent: Bool
    }

    @Sendable func quiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course, reader, override) = try await access.openQuiz(try context.parameters.uuid("id"), principal: visitor.principal)
        let settings = quiz.settings.applying(override)
        let text = ContentLanguage(quiz.content.translations, course: course, visitor: visitor)
        let isStudent = if case .student = reader { true } else { false }
        let page = QuizPage(
            id: quiz.id.apiString, courseSlug: course.slug, lang: text.lang, dir: text.dir,
            title: text.value?.title ?? "", instructions: text.value?.instructions,
            minutes: settings.timeLimitSeconds.map { ($0 + 59) / 60 }, maxAttempts: settings.maxAttempts, isStudent: isStudent
        )
        return renderer.render("quiz", title: page.title, page: page, visitor: visitor, request: request)
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        let started = try await taking.start(quiz: try context.parameters.uuid("id"), by: visitor.principal)
        return PageRenderer.redirect(to: "/attempts/\(started.attempt.id.apiString)")
    }

    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let sha256 = try BlobResponse.imageHash(context.parameters.get("sha256"))
        let image = try await taking.image(sha256, of: try context.parameters.uuid("id"), for: visitor.principal)
        return try await BlobResponse.image(image, from: blobs, request: request, context: context)
    }

    @Sendable func attempt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let notice = request.uri.queryParameters.get("saved") != nil ? renderer.strings(visitor.language)["quiz_saved_notice"] : nil
        return try await attemptPage(try context.parameters.uuid("id"), visitor: visitor, request: request, notice: notice)
    }

    /// The attempt's page for its student: the questions while it runs, the result after.
    private func attemptPage(
        _ id: UUID, visitor: Visitor, request: Request, notice: String? = nil, problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (attempt, quiz, course, _) = try await taking.attempt(id, for: visitor.principal)
        try AttemptPolicy.requireStudent(ofAttemptBy: attempt.userID, principal: visitor.principal)
        let (content, answers, showResults) = try await taking.review(attempt, of: quiz, asStaff: false)
        let title = ContentLanguage(content.translations, course: course, visitor: visitor)
        if attempt.state == .inProgress {
            let page = AttemptPage(
                attempt: attempt, content: content, answers: answers, course: course, visitor: visitor,
                title: title, notice: notice, problem: problem
            )
            return renderer.render("attempt", title: page.title, page: page, visitor: visitor, request: request, status: status)
        }
        let page = ResultPage(attempt: attempt, content: content, answers: answers, course: course, visitor: visitor, title: title, showResults: showResults)
        return renderer.render("result", title: page.title, page: page, visitor: visitor, request: request, status: status)
    }

    /// Without JavaScript: every changed answer is saved (each with the next `seq` after the one
    /// stored), then the attempt is submitted when that button was pressed.
    @Sendable func saveOrSubmit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        let id = try context.parameters.uuid("id")
        let (attempt, quiz, _, _) = try await taking.attempt(id, for: visitor.principal)
        try AttemptPolicy.requireStudent(ofAttemptBy: attempt.userID, principal: visitor.principal)
        var unreadable: Set<QuestionKind> = []
        if attempt.state == .inProgress {
            let (content, answers, _) = try await taking.review(attempt, of: quiz, asStaff: false)
            let stored = Dictionary(uniqueKeysWithValues: answers.map { ($0.questionID, $0) })
            let questions = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
            for item in attempt.plan.items {
                guard let question = questions[item.questionId] else { continue }
                switch FormAnswer.read(question, from: fields) {
                case .none:
                    continue
                case .unreadable:
                    unreadable.insert(question.kind)
                case .answer(let response):
                    let previous = stored[question.id]
                    guard previous?.response != response else { continue }
                    _ = try await taking.save(to: question.id, of: id, by: visitor.principal) { _ in
                        (response, (previous?.seq ?? 0) + 1)
                    }
                }
            }
        }
        if !unreadable.isEmpty {
            let strings = renderer.strings(visitor.language)
            let problem = [
                unreadable.contains(.numeric) ? strings["answer_invalid_number"] : nil, unreadable.contains(.ordering) ? strings["answer_invalid_order"] : nil,
            ].compactMap { $0 }.joined(separator: " ")
            return try await attemptPage(id, visitor: visitor, request: request, problem: problem, status: .unprocessableContent)
        }
        if fields.first("action") == "submit" {
            _ = try await taking.submit(id, by: visitor.principal)
            return PageRenderer.redirect(to: "/attempts/\(id.apiString)")
        }
        return PageRenderer.redirect(to: "/attempts/\(id.apiString)?saved=1")
    }

    /// The page's script saves one answer as it changes, with the fields of its question as the
    /// form holds them; `seq` counts the student's changes to it, so a retried or late request
    /// never overwrites a newer answer.
    @Sendable func autosave(_ request: Request, context: AppRequestContext) async throws -> Response {
        let sender = try await session.sender(request, context: context)
        let fields = try await SiteForm.fields(from: request, secret: sender.csrfSecret)
        guard let seq = fields.first("seq").flatMap(Int.init) else {
            throw AcademyError.validationFailed([FieldError(field: "seq", message: "must be a whole number")])
        }
        let saved = try await taking.save(
            to: context.parameters.get("question") ?? "", of: try context.parameters.uuid("id"), by: sender.principal
        ) { question in
            switch FormAnswer.read(question, from: fields) {
            case .answer(let response): return (response, seq)
            case .none: throw AcademyError.validationFailed([FieldError(field: "q-\(question.id)", message: "is missing")])
            case .unreadable: throw AcademyError.validationFailed([FieldError(field: "q-\(question.id)", message: "is not a number")])
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: #"{"seq":\#(saved.seq)}"#))
        )
    }
}
