import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Writing a quiz in one form: its rules, its title and instructions in every language side by
/// side, and its questions of the five kinds with their texts in each of the quiz's languages.
/// "Add a question" returns the form with one more, unsaved, so that it works without script;
/// saving stores a new version (attempts already started keep theirs). Below it, accommodations
/// for single students. Every change goes through `CourseAuthoring`, as the API's do.
struct QuizEditorPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let content: CourseContentRepository
    let quizzes: QuizRepository
    let users: UserRepository
    let authoring: CourseAuthoring

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/quizzes/new", use: newQuiz)
        routes.post("teach/:course/quizzes/new", use: createQuiz)
        routes.get("teach/quizzes/:id", use: quiz)
        routes.post("teach/quizzes/:id", use: saveQuiz)
        routes.post("teach/quizzes/:id/delete", use: deleteQuiz)
        routes.post("teach/quizzes/:id/overrides", use: setOverride)
        routes.post("teach/quizzes/:id/overrides/:user_id/delete", use: deleteOverride)
    }

    // MARK: The page

    struct EditorPage {
        let isNew: Bool
        let action: String
        let back: String
        let view: String?
        let modules: [FormOption]
        let position: String
        let releaseAt: String
        let requiresPrevious: Bool
        let columns: [TranslationColumn]
        let timeLimitMinutes: String
        let graceSeconds: String
        let maxAttempts: String
        let gradings: [FormOption]
        let passPercent: String
        let required: Bool
        let shuffleQuestions: Bool
        let shuffleOptions: Bool
        let questionsPerAttempt: String
        let opensAt: String
        let closesAt: String
        let reviews: [FormOption]
        let questionCount: Int
        /// The course's bank categories, to draw questions from.
        let bankCategories: [FormOption]
        let questions: [QuestionView]
        let timeZone: String
        let problems: [FormProblems.Problem]
        let saved: Bool
        let overrides: [OverrideRow]
    }

    struct QuestionView {
        /// As field errors name it (`questions.0`), and as people count (1).
        let index: Int
        let ordinal: Int
        let prefix: String
        /// A bank question or a draw, shown rather than edited.
        let bankEntry: BankEntryView?
        /// Whether the form may drop it (a quiz's question; not a bank question's own page).
        let removable: Bool
        let questionID: String
        let kinds: [FormOption]
        let points: String
        let partialCredit: Bool
        let problems: [FormProblems.Problem]
        let texts: [PromptColumn]
        let optionCount: Int
        let options: [OptionRow]
        let truthTrue: Bool
        let truthFalse: Bool
        let accepted: String
        let partiallyAccepted: String
        let partialValues: String
        let caseSensitive: Bool
        let arabicFolding: Bool
        let numericValue: String
        let tolerance: String
        let essayLength: String
    }

    struct BankEntryView {
        let isDraw: Bool
        let questionID: String
        let label: String
        let category: String
        let count: String
    }

    struct PromptColumn {
        let code: String
        let name: String
        let dir: String
        let prompt: String
        let feedback: String
        let answerFeedback: String
    }

    struct OptionRow {
        let row: Int
        let optionID: String
        let correct: Bool
        let credit: String
        let texts: [OptionText]
        /// A matching question's match in each language.
        let matches: [OptionText]
    }

    struct OptionText {
        let code: String
        let name: String
        let dir: String
        let text: String
    }

    struct OverrideRow {
        let userID: String
        let name: String
        let email: String
        let minutes: String
        let attempts: String
        let closes: String
    }

    private func editorPage(
        _ form: QuizForm, quiz: StoredQuiz?, course: Course, problems: FormProblems, visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = renderer.strings(visitor.language)
        let modules = quiz == nil ? try await content.modules(of: course.id) : []
        let categories = try await authoring.questionBank.categories(of: course)
        let overrides = if let quiz { try await quizzes.overrides(quizID: quiz.id) } else { [(userID: UUID, email: String, displayName: String, override: QuizOverride)]() }
        let languages = form.languages(defaultLanguage: course.defaultLanguage, offered: authoring.languages)
        func option<Value: RawRepresentable<String>>(_ value: Value, _ prefix: String, selected: String) -> FormOption {
            FormOption(value: value.rawValue, label: strings["\(prefix)_\(value.rawValue)"] ?? value.rawValue, selected: value.rawValue == selected)
        }
        let page = EditorPage(
            isNew: quiz == nil,
            action: quiz.map { "/teach/quizzes/\($0.id.apiString)" } ?? "/teach/\(course.slug)/quizzes/new",
            back: "/teach/\(course.slug)", view: quiz.map { "/quizzes/\($0.id.apiString)" },
            modules: PlacementForm.moduleOptions(modules, course: course, visitor: visitor, selected: form.placement.moduleID),
            position: form.placement.position, releaseAt: form.placement.releaseAt, requiresPrevious: form.placement.requiresPrevious,
            columns: form.texts.columns(
                languages: authoring.languages, defaultLanguage: course.defaultLanguage, names: renderer.languageName, problems: problems, bodyField: "instructions"
            ),
            timeLimitMinutes: form.timeLimitMinutes, graceSeconds: form.graceSeconds, maxAttempts: form.maxAttempts,
            gradings: AttemptGrading.allCases.map { option($0, "grading", selected: form.grading) },
            passPercent: form.passPercent, required: form.required, shuffleQuestions: form.shuffleQuestions, shuffleOptions: form.shuffleOptions,
            questionsPerAttempt: form.questionsPerAttempt, opensAt: form.opensAt, closesAt: form.closesAt,
            reviews: [ReviewPolicy.afterSubmit, .afterClose, .never].map { option($0, "review", selected: form.review) },
            questionCount: form.questions.count,
            bankCategories: categories.map { FormOption(value: $0.path, label: "\($0.path) (\($0.questionCount))", selected: false) },
            questions: form.questions.enumerated().map { index, question in
                Self.questionView(question, index: index, languages: languages, strings: strings, problems: problems, renderer: renderer)
            },
            timeZone: visitor.timeZone.identifier, problems: problems.list,
            saved: status == .ok && request.uri.queryParameters.get("saved") != nil,
            overrides: overrides.map { entry in
                OverrideRow(
                    userID: entry.userID.apiString, name: entry.displayName, email: entry.email,
                    minutes: entry.override.timeLimitSeconds.map { TypedNumber.text(Double($0) / 60) } ?? "",
                    attempts: entry.override.maxAttempts.map(String.init) ?? "",
                    closes: entry.override.closesAt.map(visitor.format) ?? ""
                )
            }
        )
        let title = strings[quiz == nil ? "quiz_new_title" : "quiz_edit_title"] ?? ""
        return renderer.render("quiz-editor", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    /// One question's fields, as the quiz form and a bank question's page show them.
    static func questionView(
        _ question: QuestionForm, index: Int, languages: [String], strings: [String: String], problems: FormProblems, renderer: PageRenderer,
        removable: Bool = true
    ) -> QuestionView {
        func name(_ code: String) -> (name: String, dir: String) {
            (renderer.languageName(code), Languages.direction(of: code).rawValue)
        }
        let rows = question.optionRows
        let bankEntry: BankEntryView? = switch question.bank {
        case .question(let id, let label): BankEntryView(isDraw: false, questionID: id.apiString, label: label, category: "", count: "")
        case .draw(let category, let count): BankEntryView(isDraw: true, questionID: "", label: "", category: category, count: count)
        case nil: nil
        }
        return QuestionView(
            index: index, ordinal: index + 1, prefix: "q\(index)-", bankEntry: bankEntry, removable: removable, questionID: question.id,
            kinds: QuestionKind.allCases.map { kind in
                FormOption(value: kind.rawValue, label: strings["kind_\(kind.rawValue)"] ?? kind.rawValue, selected: kind.rawValue == question.kind)
            },
            points: question.points, partialCredit: question.partialCredit,
            problems: problems.list.filter { $0.field.hasPrefix("questions.\(index).") || $0.field == "questions.\(index)" },
            texts: languages.map { code in
                PromptColumn(code: code, name: name(code).name, dir: name(code).dir, prompt: question.prompts[code] ?? "", feedback: question.feedback[code] ?? "",
                    answerFeedback: question.answerFeedback[code] ?? ""
                )
            },
            optionCount: rows.count,
            options: rows.enumerated().map { row, option in
                OptionRow(
                    row: row, optionID: option.id, correct: question.correct.contains(option.id), credit: option.credit,
                    texts: languages.map { code in OptionText(code: code, name: name(code).name, dir: name(code).dir, text: option.texts[code] ?? "") },
                    matches: languages.map { code in OptionText(code: code, name: name(code).name, dir: name(code).dir, text: option.matches[code] ?? "") }
                )
            },
            truthTrue: question.truth == "true", truthFalse: question.truth == "false",
            accepted: question.accepted, partiallyAccepted: question.partiallyAccepted, partialValues: question.partialValues, caseSensitive: question.caseSensitive, arabicFolding: question.arabicFolding,
            numericValue: question.number, tolerance: question.tolerance, essayLength: question.essayLength
        )
    }

    // MARK: Creating and saving

    @Sendable func newQuiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let form = QuizForm(moduleID: request.uri.queryParameters.get("module") ?? "")
        return try await editorPage(form, quiz: nil, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func createQuiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await submit(nil, course: course, visitor: visitor, request: request, context: context)
    }

    @Sendable func quiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        return try await editorPage(QuizForm(quiz, timeZone: visitor.timeZone), quiz: quiz, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func saveQuiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        return try await submit(quiz, course: course, visitor: visitor, request: request, context: context)
    }

    /// Adds a blank question (storing nothing) or saves the form: a new quiz when `quiz` is nil.
    /// A whole quiz is one form, as large as the API takes a quiz as JSON, with many fields.
    private func submit(_ quiz: StoredQuiz?, course: Course, visitor: Visitor, request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await SiteForm.fields(
            from: request, secret: visitor.csrfSecret, maximumBytes: context.maxUploadSize, maximumFields: QuizForm.maximumFields
        )
        var form = QuizForm(fields, languages: authoring.languages)
        switch fields.first("intent") {
        case "add":
            form.addQuestion()
            return try await editorPage(form, quiz: quiz, course: course, problems: FormProblems(), visitor: visitor, request: request)
        case "add-draw":
            form.questions.append(QuestionForm(bank: .draw(category: fields.text("draw-category"), count: fields.text("draw-count"))))
            return try await editorPage(form, quiz: quiz, course: course, problems: FormProblems(), visitor: visitor, request: request)
        default:
            break
        }
        do {
            let languages = form.languages(defaultLanguage: course.defaultLanguage, offered: authoring.languages)
            let saved: StoredQuiz
            if let quiz {
                let body = try form.request(in: visitor.timeZone, languages: languages, placement: (quiz.moduleID, quiz.position))
                saved = try await authoring.updateQuiz(quiz, with: try authoring.quizChange(body, editing: quiz, of: course))
            } else {
                saved = try await authoring.createQuiz(in: course, try form.request(in: visitor.timeZone, languages: languages, placement: nil))
            }
            return PageRenderer.redirect(to: "/teach/quizzes/\(saved.id.apiString)?saved=1")
        } catch {
            return try await editorPage(form, quiz: quiz, course: course, problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent)
        }
    }

    /// Refused (and said why) once students have attempted it: their grades stay.
    @Sendable func deleteQuiz(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        return try await SiteForm.deletion(request, visitor: visitor, next: "/teach/\(course.slug)") {
            try await authoring.deleteQuiz(quiz)
        } refused: { problems in
            try await editorPage(
                QuizForm(quiz, timeZone: visitor.timeZone), quiz: quiz, course: course, problems: problems,
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    // MARK: Accommodations

    /// Sets one enrolled student's own time limit, attempts or close date, found by email.
    @Sendable func setOverride(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, course) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        do {
            var validation = FieldValidation()
            let minutes = FormValue.number(fields.text("time_limit_minutes"), field: "time_limit_seconds", into: &validation)
            let attempts = FormValue.integer(fields.text("max_attempts"), field: "max_attempts", into: &validation)
            let closes = FormValue.date(fields.text("closes_at"), field: "closes_at", in: visitor.timeZone, into: &validation)
            try validation.finish()
            guard let user = try await users.find(email: fields.text("email")) else {
                throw AcademyError.validationFailed([FieldError(field: "email", message: "is not the email of a student enrolled in this course")])
            }
            let override = QuizOverride(timeLimitSeconds: minutes.map { Int(($0 * 60).rounded()) }, maxAttempts: attempts, closesAt: closes)
            do {
                try await authoring.setOverride(override, on: quiz, for: user.id)
            } catch AcademyError.notFound {
                throw AcademyError.validationFailed([FieldError(field: "email", message: "is not the email of a student enrolled in this course")])
            }
            return PageRenderer.redirect(to: "/teach/quizzes/\(quiz.id.apiString)?saved=1#accommodations")
        } catch {
            return try await editorPage(
                QuizForm(quiz, timeZone: visitor.timeZone), quiz: quiz, course: course, problems: try FormProblems(error),
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    @Sendable func deleteOverride(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (quiz, _) = try await access.editableQuiz(try context.parameters.uuid("id"), by: visitor.principal)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        _ = try await quizzes.deleteOverride(quizID: quiz.id, userID: try context.parameters.uuid("user_id"))
        return PageRenderer.redirect(to: "/teach/quizzes/\(quiz.id.apiString)#accommodations")
    }
}
