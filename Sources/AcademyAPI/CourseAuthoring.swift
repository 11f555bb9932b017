import AcademyContent
package import AcademyCore
package import AcademyServices
package import AcademyStore
package import Foundation

/// Writing a course, its modules and its lessons, for the API's JSON and the web pages' forms
/// alike: both fill the same request documents, whose rules (`CourseRequest.draft`,
/// `ModuleRequest.validatedTitles`, `LessonRequest.validatedTexts`) are the only ones. A change
/// is validated first and saved second, so that the API can check `If-Match` in between.
package struct CourseAuthoring: Sendable {
    let courses: CourseRepository
    let content: CourseContentRepository
    let quizzes: QuizRepository
    let liveSessions: LiveSessionRepository
    let attempts: AttemptRepository
    let enrollments: EnrollmentRepository
    let hashing: PasswordHashingPool
    package let questionBank: QuestionBankService
    /// The languages the academy offers content in.
    package let languages: [String]

    package init(
        courses: CourseRepository, content: CourseContentRepository, quizzes: QuizRepository, liveSessions: LiveSessionRepository,
        attempts: AttemptRepository, enrollments: EnrollmentRepository, hashing: PasswordHashingPool, questionBank: QuestionBankService,
        languages: [String]
    ) {
        self.courses = courses
        self.content = content
        self.quizzes = quizzes
        self.liveSessions = liveSessions
        self.attempts = attempts
        self.enrollments = enrollments
        self.hashing = hashing
        self.questionBank = questionBank
        self.languages = languages
    }

    // MARK: Courses

    package func createCourse(_ body: CourseRequest, by principal: Principal?) async throws -> Course {
        try CoursePolicy.requireAuthor(principal)
        guard let principal else { throw AcademyError.unauthenticated }
        var draft = try body.draft(offered: languages, keyAlreadySet: false)
        draft.enrollmentKeyHash = try await hashedKey(body)
        return try await courses.create(draft, createdBy: principal.userID)
    }

    package func courseChange(_ body: CourseRequest, editing course: Course) throws(AcademyError) -> CourseChange {
        CourseChange(body: body, draft: try body.draft(offered: languages, keyAlreadySet: course.hasEnrollmentKey))
    }

    package func updateCourse(_ course: Course, with change: CourseChange) async throws -> Course {
        var draft = change.draft
        draft.enrollmentKeyHash = try await hashedKey(change.body)
        return try await courses.update(course.id, with: draft)
    }

    /// Enrollment keys are secrets like passwords: only a hash is stored, computed after the rest
    /// of the request proved valid.
    private func hashedKey(_ body: CourseRequest) async throws -> String? {
        guard let key = body.enrollment?.key, !key.isEmpty else { return nil }
        return try await hashing.hash(key)
    }

    // MARK: Modules

    package func createModule(in course: Course, _ body: ModuleRequest) async throws -> CourseModule {
        let titles = try body.validatedTitles(defaultLanguage: course.defaultLanguage, offered: languages)
        return try await content.createModule(in: course.id, position: body.position, titles: titles)
    }

    package func moduleChange(_ body: ModuleRequest, of course: Course) throws(AcademyError) -> ModuleChange {
        var validation = FieldValidation()
        guard let position = validation.require(body.position, "position") else { throw .validationFailed(validation.errors) }
        return ModuleChange(position: position, titles: try body.validatedTitles(defaultLanguage: course.defaultLanguage, offered: languages))
    }

    package func updateModule(_ module: CourseModule, with change: ModuleChange) async throws -> CourseModule {
        try await content.updateModule(module, position: change.position, titles: change.titles)
    }

    // MARK: Lessons

    package func createLesson(in course: Course, _ body: LessonRequest) async throws -> Lesson {
        let texts = try await body.validatedTexts(defaultLanguage: course.defaultLanguage, offered: languages)
        let module = try await module(body.moduleId, of: course)
        return try await content.createLesson(
            in: module, position: body.position, releaseAt: body.releaseAt, requiresPrevious: body.requiresPrevious ?? false, translations: texts
        )
    }

    package func lessonChange(_ body: LessonRequest, editing lesson: Lesson, of course: Course) async throws -> LessonChange {
        var validation = FieldValidation()
        validation.require(body.moduleId, "module_id")
        validation.require(body.position, "position")
        try validation.finish()
        let texts = try await body.validatedTexts(defaultLanguage: course.defaultLanguage, offered: languages, rendered: lesson.translations)
        return LessonChange(body: body, texts: texts, module: try await module(body.moduleId, of: course))
    }

    package func updateLesson(_ lesson: Lesson, with change: LessonChange) async throws -> Lesson {
        try await content.updateLesson(
            lesson, to: change.module, position: change.body.position, releaseAt: change.body.releaseAt,
            requiresPrevious: change.body.requiresPrevious ?? false, translations: change.texts
        )
    }

    /// The lesson's texts as students would read them, checked by the same rules as a save,
    /// without saving anything.
    package func preview(_ body: LessonRequest, in course: Course) async throws -> [String: LessonText] {
        try await body.validatedTexts(defaultLanguage: course.defaultLanguage, offered: languages)
    }

    // MARK: Live sessions

    package func createLiveSession(in course: Course, _ body: LiveSessionRequest) async throws -> LiveSession {
        let draft = try await body.validatedDraft(defaultLanguage: course.defaultLanguage, offered: languages)
        let module = try await module(body.moduleId, of: course)
        return try await liveSessions.create(in: module, position: body.position, draft)
    }

    package func liveSessionChange(_ body: LiveSessionRequest, editing session: LiveSession, of course: Course) async throws -> LiveSessionChange {
        var validation = FieldValidation()
        validation.require(body.moduleId, "module_id")
        validation.require(body.position, "position")
        try validation.finish()
        let draft = try await body.validatedDraft(defaultLanguage: course.defaultLanguage, offered: languages, rendered: session.translations)
        return LiveSessionChange(position: body.position, draft: draft, module: try await module(body.moduleId, of: course))
    }

    package func updateLiveSession(_ session: LiveSession, with change: LiveSessionChange) async throws -> LiveSession {
        try await liveSessions.update(session, to: change.module, position: change.position, change.draft)
    }

    /// The module a new or moved item goes into, when it is one of the course's: the one check
    /// for lessons, uploads and quizzes alike.
    package func module(_ moduleID: UUID?, of course: Course) async throws -> CourseModule {
        guard let moduleID else {
            throw AcademyError.validationFailed([FieldError(field: "module_id", message: "is required")])
        }
        guard let module = try await content.module(moduleID), module.courseID == course.id else {
            throw AcademyError.validationFailed([FieldError(field: "module_id", message: "must name a module of this course")])
        }
        return module
    }

    // MARK: Quizzes

    package func createQuiz(in course: Course, _ body: QuizRequest) async throws -> StoredQuiz {
        let (settings, content) = try await validated(body, course: course)
        let module = try await module(body.moduleId, of: course)
        return try await quizzes.create(
            in: module, position: body.position, releaseAt: body.releaseAt, requiresPrevious: body.requiresPrevious ?? false,
            settings: settings, content: content
        )
    }

    /// New content becomes a new version: attempts already started keep the questions they saw.
    package func quizChange(_ body: QuizRequest, editing quiz: StoredQuiz, of course: Course) async throws -> QuizChange {
        var placement = FieldValidation()
        QuizRules.keepPlace(of: quiz, moduleID: body.moduleId, position: body.position, into: &placement)
        try placement.finish()
        let (settings, content) = try await validated(body, course: course)
        return QuizChange(body: body, settings: settings, content: content)
    }

    /// The quiz with one more question, a bank question by id, at its end: a new version,
    /// checked as any change to the quiz is.
    package func add(bankQuestion id: UUID, to quiz: StoredQuiz, of course: Course) async throws -> StoredQuiz {
        // A course's bank serves its own quizzes only.
        guard quiz.courseID == course.id else { throw AcademyError.notFound("No such quiz in this course.") }
        var body = QuizRequest(editing: quiz)
        body.draft.questions = (body.draft.questions ?? []) + [.bankQuestion(id)]
        return try await updateQuiz(quiz, with: try await quizChange(body, editing: quiz, of: course))
    }

    package func updateQuiz(_ quiz: StoredQuiz, with change: QuizChange) async throws -> StoredQuiz {
        try await quizzes.update(
            quiz, settings: change.settings, content: change.content, releaseAt: change.body.releaseAt,
            requiresPrevious: change.body.requiresPrevious ?? false
        )
    }

    /// A quiz with attempts holds grades: it cannot be deleted (409).
    package func deleteQuiz(_ quiz: StoredQuiz) async throws {
        guard try await !attempts.hasAttempts(quizID: quiz.id) else {
            throw AcademyError.conflict("Students have attempted this quiz; its grades stay. Unpublish the course or edit the quiz instead.")
        }
        try await quizzes.delete(quiz)
    }

    /// The quiz the request gives, with the bank questions it takes as the bank holds them now.
    private func validated(_ body: QuizRequest, course: Course) async throws -> (QuizSettings, QuizContent) {
        var validation = FieldValidation()
        if let position = body.position, position < 1 {
            validation.add(FieldError(field: "position", message: "must be 1 or more"))
        }
        let bank = try await questionBank.questions(for: body.draft.questions ?? [], of: course)
        let quiz = body.draft.validated(defaultLanguage: course.defaultLanguage, offered: languages, bank: bank, into: &validation)
        try validation.finish()
        guard let quiz else { throw AcademyError.validationFailed(validation.errors) }
        return quiz
    }

    /// One enrolled student's accommodations (longer time, more attempts, a later close).
    package func setOverride(_ override: QuizOverride, on quiz: StoredQuiz, for userID: UUID) async throws {
        var validation = FieldValidation()
        QuizRules.validate(override: override, into: &validation)
        try validation.finish()
        guard try await enrollments.find(userID: userID, courseID: quiz.courseID) != nil else {
            throw AcademyError.notFound("That person is not enrolled in this course.")
        }
        try await quizzes.setOverride(override, quizID: quiz.id, userID: userID)
    }

    // MARK: Coverage

    /// Which parts of the course lack which of the academy's languages.
    package func coverage(of course: Course) async throws -> TranslationCoverage {
        async let modules = content.modules(of: course.id)
        async let items = content.items(of: course.id)
        return coverage(of: course, modules: try await modules, items: try await items)
    }

    /// The same from the course's modules and items already read (the outline's own query: a
    /// lesson's titles are by the languages it is written in).
    package func coverage(of course: Course, modules: [CourseModule], items: [CourseItem]) -> TranslationCoverage {
        func title(_ texts: [String: String]) -> String {
            texts[course.defaultLanguage] ?? texts.values.first ?? ""
        }
        var parts: [(kind: String, id: UUID, title: String, present: Set<String>)] = [
            ("course", course.id, course.translations[course.defaultLanguage]?.title ?? course.translations.values.first?.title ?? "", Set(course.translations.keys)),
        ]
        parts += modules.map { ("module", $0.id, title($0.titles), Set($0.titles.keys)) }
        parts += items.filter { $0.kind == .lesson }.map { ("lesson", $0.id, title($0.titles), Set($0.titles.keys)) }
        return TranslationCoverage(languages: languages, parts: parts)
    }
}

/// A course's settings proved valid, waiting to be saved.
package struct CourseChange: Sendable {
    let body: CourseRequest
    let draft: CourseDraft
}

package struct ModuleChange: Sendable {
    let position: Int
    let titles: [String: String]
}

package struct QuizChange: Sendable {
    let body: QuizRequest
    let settings: QuizSettings
    let content: QuizContent
}

package struct LiveSessionChange: Sendable {
    let position: Int?
    let draft: LiveSessionDraft
    let module: CourseModule
}

package struct LessonChange: Sendable {
    let body: LessonRequest
    let texts: [String: LessonText]
    let module: CourseModule
}

extension AppDependencies {
    package var courseAuthoring: CourseAuthoring {
        CourseAuthoring(
            courses: courses, content: content, quizzes: quizzes, liveSessions: liveSessions, attempts: attempts, enrollments: enrollments,
            hashing: hashingPool, questionBank: questionBank, languages: configuration.languages
        )
    }
}
