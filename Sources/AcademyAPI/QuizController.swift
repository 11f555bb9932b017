import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Quizzes: authoring (versioned), and timed attempts whose answers are saved one by one and
/// graded on the server from what is stored.
struct QuizController {
    let access: CourseAccess
    let quizzes: QuizRepository
    let attempts: AttemptRepository
    let finisher: AttemptFinisher
    let taking: QuizTaking
    let authoring: CourseAuthoring
    let blobs: BlobStore
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/quizzes", use: create)
        routes.get("quizzes/:id", use: show)
        routes.patch("quizzes/:id", use: update)
        routes.delete("quizzes/:id", use: delete)
        routes.post("quizzes/:id/attempts", use: start)
        routes.get("quizzes/:id/attempts", use: list)
        routes.put("quizzes/:id/overrides/:user_id", use: setOverride)
        routes.delete("quizzes/:id/overrides/:user_id", use: deleteOverride)
        routes.put("attempts/:id/answers/:question_id", use: save)
        routes.post("attempts/:id/submit", use: submit)
        routes.put("attempts/:id/grades/:question_id", use: gradeEssay)
        routes.get("attempts/:id", use: showAttempt)
        routes.get("attempts/:id/images/:sha256", use: image)
        return routes
    }

    // MARK: Authoring

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<QuizAuthoringResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: QuizRequest.self, context: context)
        return EditedResponse(status: .created, response: QuizAuthoringResponse(quiz: try await authoring.createQuiz(in: course, body)))
    }

    /// The quiz in the path and its course, for its editors.
    private func editableQuiz(_ context: AppRequestContext) async throws -> (StoredQuiz, Course) {
        try await access.editableQuiz(try context.parameters.uuid("id"), by: context.principal)
    }

    /// Editors get everything; admitted students the quiz's rules and texts, never its questions.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (quiz, course, reader, _) = try await access.openQuiz(try context.parameters.uuid("id"), principal: context.principal)
        if case .editor = reader {
            return try QuizAuthoringResponse(quiz: quiz).response(from: request, context: context)
        }
        let choice = LanguageChoice(request: request, context: context, available: quiz.content.translations.keys, fallback: course.defaultLanguage)
        return try choice.apply(to: QuizStudentResponse(quiz: quiz, choice: choice)).response(from: request, context: context)
    }

    /// New content becomes a new version: attempts already started keep the questions they saw.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> QuizAuthoringResponse {
        let (quiz, course) = try await editableQuiz(context)
        let change = try await request.mergePatch(QuizRequest.self, over: QuizRequest(editing: quiz), context: context) { body in
            try await authoring.quizChange(body, editing: quiz, of: course)
        }
        return QuizAuthoringResponse(quiz: try await authoring.updateQuiz(quiz, with: change))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (quiz, _) = try await editableQuiz(context)
        try await authoring.deleteQuiz(quiz)
        return .noContent
    }

    // MARK: Overrides

    @Sendable func setOverride(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (quiz, _) = try await editableQuiz(context)
        let userID = try context.parameters.uuid("user_id")
        let override = try await request.decode(as: QuizOverride.self, context: context)
        try await authoring.setOverride(override, on: quiz, for: userID)
        return .noContent
    }

    @Sendable func deleteOverride(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (quiz, _) = try await editableQuiz(context)
        guard try await quizzes.deleteOverride(quizID: quiz.id, userID: try context.parameters.uuid("user_id")) else {
            throw AcademyError.notFound("No override for that person.")
        }
        return .noContent
    }

    // MARK: Attempts

    /// Starts an attempt (201), or returns the one still open (200).
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttemptResponse> {
        let started = try await taking.start(quiz: try context.parameters.uuid("id"), by: context.principal)
        // A new attempt has no answers yet: nothing to read.
        let response = try await view(
            started.attempt, course: started.course, quiz: started.quiz, asStaff: false, answers: started.isNew ? [] : nil,
            request: request, context: context
        )
        return EditedResponse(status: started.isNew ? .created : .ok, response: response)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> SavedAnswerResponse {
        let saved = try await taking.save(
            to: context.parameters.get("question_id") ?? "", of: try context.parameters.uuid("id"), by: context.principal
        ) { _ in
            let body = try await request.decode(as: AnswerSave.self, context: context)
            return (body.response, body.seq)
        }
        return SavedAnswerResponse(answer: saved)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> AttemptResponse {
        let submitted = try await taking.submit(try context.parameters.uuid("id"), by: context.principal)
        return try await view(
            submitted.attempt, course: submitted.course, quiz: submitted.quiz, asStaff: submitted.asStaff, answers: submitted.answers,
            request: request, context: context
        )
    }

    /// An image of a question the attempt drew, for its student and the course's staff.
    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let sha256 = try BlobResponse.imageHash(context.parameters.get("sha256"))
        let image = try await taking.image(sha256, of: try context.parameters.uuid("id"), for: context.principal)
        return try await BlobResponse.image(image, from: blobs, request: request, context: context)
    }

    /// An instructor's grade for one essay: `{points, comment?}`.
    @Sendable func gradeEssay(_ request: Request, context: AppRequestContext) async throws -> AttemptResponse {
        let body = try await request.decode(as: EssayGrade.self, context: context)
        let graded = try await taking.grade(
            essay: context.parameters.get("question_id") ?? "", of: try context.parameters.uuid("id"), by: context.principal,
            points: body.points, comment: body.comment
        )
        return try await view(graded.attempt, course: graded.course, quiz: graded.quiz, asStaff: true, request: request, context: context)
    }

    @Sendable func showAttempt(_ request: Request, context: AppRequestContext) async throws -> AttemptResponse {
        let (attempt, quiz, course, asStaff) = try await taking.attempt(try context.parameters.uuid("id"), for: context.principal)
        return try await view(attempt, course: course, quiz: quiz, asStaff: asStaff, request: request, context: context)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<AttemptSummary> {
        let (quiz, _) = try await editableQuiz(context)
        let query = request.uri.queryParameters
        let page = try await attempts.attempts(of: quiz.id, page: try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor")))
        var summaries: [AttemptSummary] = []
        for attempt in page.items {
            summaries.append(AttemptSummary(attempt: try await finisher.finishIfExpired(attempt, quiz: quiz)))
        }
        return PageResponse(items: summaries, nextCursor: page.nextCursor)
    }

    /// `answers` when the caller already knows them; otherwise they are read.
    private func view(
        _ attempt: QuizAttempt, course: Course, quiz: StoredQuiz, asStaff: Bool, answers known: [SavedAnswer]? = nil,
        request: Request, context: AppRequestContext
    ) async throws -> AttemptResponse {
        let (content, answers, showResults) = try await taking.review(attempt, of: quiz, asStaff: asStaff, answers: known)
        let choice = LanguageChoice(request: request, context: context, available: content.translations.keys, fallback: course.defaultLanguage)
        return AttemptResponse(attempt: attempt, content: content, answers: answers, choice: choice, showResults: showResults)
    }
}

/// The answer as stored, written directly: an exam sends thousands a minute.
struct SavedAnswerResponse: ResponseGenerator {
    let answer: SavedAnswer

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter(capacity: 256)
        answer.write(to: &json)
        return .json(json.text)
    }
}

struct AttemptSummary: Encodable, Sendable {
    let id: String
    let userId: String
    let number: Int
    /// `needs_grading` while an essay waits for its grade.
    let state: String
    let startedAt: Date
    @NullEncoded var submittedAt: Date?
    @NullEncoded var percent: Double?
    @NullEncoded var passed: Bool?

    init(attempt: QuizAttempt) {
        id = attempt.id.apiString
        userId = attempt.userID.apiString
        number = attempt.number
        state = attempt.shownState
        startedAt = attempt.startedAt
        submittedAt = attempt.submittedAt
        let settled = attempt.result.flatMap { $0.needsGrading ? nil : $0 }
        percent = settled?.percent
        passed = settled?.passed
    }
}
