import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Grading essays: a quiz's finished attempts whose essays wait for a grade, each essay with the
/// student's answer and a form for its points and a comment. The grade goes through
/// `QuizTaking.grade` as the API's does; once an attempt's last essay has its points it leaves
/// this page, with its percent, for the gradebook.
struct EssayGradingPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let attempts: AttemptRepository
    let taking: QuizTaking

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/quizzes/:id/grading", use: page)
        routes.post("teach/attempts/:id/grades/:question", use: grade)
    }

    struct GradingPage {
        let quizID: String
        let back: String
        let lang: String
        let dir: String
        let title: String
        let attempts: [Attempt]
        let more: Bool
    }

    struct Attempt {
        let id: String
        let name: String
        let email: String
        let number: Int
        let submitted: String
        let essays: [Essay]
    }

    struct Essay {
        let questionID: String
        let lang: String
        let dir: String
        let prompt: String
        let answer: String
        let maxPoints: String
    }

    static let shown = 50

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        let waiting = try await attempts.awaitingGrading(quizID: quiz.id, limit: Self.shown + 1)
        let title = ContentLanguage(quiz.content.translations, course: course, visitor: visitor)
        // Every shown attempt's answers in one query.
        let answersByAttempt = try await attempts.answers(ofAttempts: waiting.prefix(Self.shown).map(\.attempt.id))
        var shown: [Attempt] = []
        for (attempt, name, email) in waiting.prefix(Self.shown) {
            let (content, answers, _) = try await taking.review(attempt, of: quiz, asStaff: true, answers: answersByAttempt[attempt.id] ?? [])
            let questions = Dictionary(content.questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let texts = Dictionary(answers.map { ($0.questionID, $0.response) }, uniquingKeysWith: { first, _ in first })
            let essays = (attempt.result?.questions ?? []).filter { $0.pending == true }.compactMap { entry -> Essay? in
                guard let question = questions[entry.id] else { return nil }
                let text = ContentLanguage(question.translations, course: course, visitor: visitor)
                let answer = if case .text(let written)? = texts[entry.id] { written } else { "" }
                return Essay(
                    questionID: entry.id, lang: text.lang, dir: text.dir, prompt: text.value?.prompt ?? "", answer: answer,
                    maxPoints: TypedNumber.text(entry.maxPoints)
                )
            }
            shown.append(Attempt(
                id: attempt.id.apiString, name: name, email: email, number: attempt.number,
                submitted: attempt.submittedAt.map(visitor.format) ?? "", essays: essays
            ))
        }
        let page = GradingPage(
            quizID: quiz.id.apiString, back: "/teach/\(course.slug)/gradebook", lang: title.lang, dir: title.dir,
            title: title.value?.title ?? "", attempts: shown, more: waiting.count > Self.shown
        )
        return renderer.render("grading", title: renderer.strings(visitor.language)["grading_title"] ?? "", page: page, visitor: visitor, request: request)
    }

    struct GradeForm: Decodable, CSRFProtected {
        let csrf: String
        let points: String
        let comment: String?
    }

    /// A mistyped number is said on the error page in the visitor's language, as any refused form.
    @Sendable func grade(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let form = try await SiteForm.read(GradeForm.self, from: request, secret: visitor.csrfSecret)
        var validation = FieldValidation()
        let points = FormValue.number(form.points, field: "points", into: &validation)
        if form.points.isEmpty { validation.add(FieldError(field: "points", message: "is required")) }
        try validation.finish()
        let graded = try await taking.grade(
            essay: context.parameters.get("question") ?? "", of: try context.parameters.uuid("id"), by: visitor.principal,
            points: points ?? 0, comment: form.comment
        )
        return PageRenderer.redirect(to: "/teach/quizzes/\(graded.quiz.id.apiString)/grading")
    }
}
