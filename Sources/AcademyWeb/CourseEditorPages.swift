import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// An instructor's course: creating it, its settings with every translation side by side, its
/// outline with the modules, publishing, and which parts still lack which language. Every change
/// goes through `CourseAuthoring`, as the API's do.
struct CourseEditorPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let courses: CourseRepository
    let content: CourseContentRepository
    let authoring: CourseAuthoring

    func register(on routes: RouterGroup<AppRequestContext>) {
        // A constant path wins over a parameter: a course whose slug is `new` is edited by its id.
        routes.get("teach/new", use: newCourse)
        routes.post("teach/new", use: createCourse)
        routes.get("teach/:course", use: editor)
        routes.get("teach/:course/settings", use: settings)
        routes.post("teach/:course/settings", use: saveSettings)
        routes.post("teach/:course/status", use: changeStatus)
        routes.post("teach/:course/modules", use: addModule)
        routes.get("teach/modules/:id", use: module)
        routes.post("teach/modules/:id", use: saveModule)
        routes.post("teach/modules/:id/delete", use: deleteModule)
    }

    // MARK: Course settings

    struct SettingsPage {
        let isNew: Bool
        let action: String
        let back: String
        let slug: String
        let slugInvalid: Bool
        let defaultLanguages: [FormOption]
        let columns: [TranslationColumn]
        let modes: [FormOption]
        let hasKey: Bool
        let capacity: String
        let startsAt: String
        let endsAt: String
        let opensAt: String
        let closesAt: String
        let timeZone: String
        let problems: [FormProblems.Problem]
    }

    /// A course's settings as the form shows and sends them. The enrolment key is never shown.
    struct SettingsForm {
        var slug = ""
        var defaultLanguage: String
        var texts = TranslatedTexts([:])
        var mode = EnrollmentMode.open.rawValue
        var key = ""
        var capacity = ""
        var startsAt = ""
        var endsAt = ""
        var opensAt = ""
        var closesAt = ""

        init(defaultLanguage: String) {
            self.defaultLanguage = defaultLanguage
        }

        init(_ course: Course, timeZone: TimeZone) {
            slug = course.slug
            defaultLanguage = course.defaultLanguage
            texts = TranslatedTexts(course.translations.mapValues { ($0.title, $0.summary) })
            mode = course.enrollmentMode.rawValue
            capacity = course.capacity.map(String.init) ?? ""
            startsAt = LocalDateTime.text(course.startsAt, in: timeZone)
            endsAt = LocalDateTime.text(course.endsAt, in: timeZone)
            opensAt = LocalDateTime.text(course.enrolOpensAt, in: timeZone)
            closesAt = LocalDateTime.text(course.enrolClosesAt, in: timeZone)
        }

        init(_ fields: FormFields, languages: [String]) {
            slug = fields.text("slug")
            defaultLanguage = fields.text("default_language")
            texts = TranslatedTexts(fields: fields, languages: languages)
            mode = fields.text("enrollment_mode")
            key = fields.first("enrollment_key") ?? ""
            capacity = fields.text("capacity")
            startsAt = fields.text("starts_at")
            endsAt = fields.text("ends_at")
            opensAt = fields.text("opens_at")
            closesAt = fields.text("closes_at")
        }

        /// The API's request document this form stands for; what only a form can get wrong
        /// (a number or a date that does not read) fails here, named as the API names it.
        func request(in timeZone: TimeZone) throws(AcademyError) -> CourseRequest {
            var validation = FieldValidation()
            let capacity = FormValue.integer(capacity, field: "enrollment.capacity", into: &validation)
            let startsAt = FormValue.date(startsAt, field: "starts_at", in: timeZone, into: &validation)
            let endsAt = FormValue.date(endsAt, field: "ends_at", in: timeZone, into: &validation)
            let opensAt = FormValue.date(opensAt, field: "enrollment.opens_at", in: timeZone, into: &validation)
            let closesAt = FormValue.date(closesAt, field: "enrollment.closes_at", in: timeZone, into: &validation)
            guard let mode = EnrollmentMode(rawValue: self.mode) else {
                validation.add(FieldError(field: "enrollment.mode", message: "must be open, key, approval or closed"))
                throw .validationFailed(validation.errors)
            }
            try validation.finish()
            return CourseRequest(
                slug: slug, defaultLanguage: defaultLanguage,
                translations: texts.values.mapValues { CourseRequest.Text(title: $0.title, summary: $0.body) },
                enrollment: .init(mode: mode, key: key.isEmpty ? nil : key, capacity: capacity, opensAt: opensAt, closesAt: closesAt),
                startsAt: startsAt, endsAt: endsAt
            )
        }
    }

    private func settingsPage(
        _ form: SettingsForm, course: Course?, problems: FormProblems, visitor: Visitor, request: Request, status: HTTPResponse.Status = .ok
    ) -> Response {
        let strings = renderer.strings(visitor.language)
        let languages = authoring.languages
        let defaultLanguage = languages.contains(form.defaultLanguage) ? form.defaultLanguage : languages.first ?? "en"
        let page = SettingsPage(
            isNew: course == nil,
            action: course.map { "/teach/\($0.slug)/settings" } ?? "/teach/new",
            back: course.map { "/teach/\($0.slug)" } ?? "/teach",
            slug: form.slug, slugInvalid: problems.isInvalid("slug"),
            defaultLanguages: languages.map { FormOption(value: $0, label: renderer.languageName($0), selected: $0 == defaultLanguage) },
            columns: form.texts.columns(
                languages: languages, defaultLanguage: defaultLanguage, names: renderer.languageName, problems: problems, bodyField: "summary"
            ),
            modes: EnrollmentMode.allCases.map { mode in
                FormOption(value: mode.rawValue, label: strings["course_mode_\(mode.rawValue)"] ?? mode.rawValue, selected: mode.rawValue == form.mode)
            },
            hasKey: course?.hasEnrollmentKey ?? false,
            capacity: form.capacity, startsAt: form.startsAt, endsAt: form.endsAt, opensAt: form.opensAt, closesAt: form.closesAt,
            timeZone: visitor.timeZone.identifier, problems: problems.list
        )
        let title = strings[course == nil ? "course_new_title" : "course_settings_title"] ?? ""
        return renderer.render("course-settings", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func newCourse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try CoursePolicy.requireAuthor(visitor.principal)
        return settingsPage(SettingsForm(defaultLanguage: authoring.languages.first ?? "en"), course: nil, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func createCourse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try CoursePolicy.requireAuthor(visitor.principal)
        return try await submit(nil, visitor: visitor, request: request)
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return settingsPage(SettingsForm(course, timeZone: visitor.timeZone), course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func saveSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await submit(course, visitor: visitor, request: request)
    }

    /// Saves the settings form: a new course when `course` is nil.
    private func submit(_ course: Course?, visitor: Visitor, request: Request) async throws -> Response {
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        let form = SettingsForm(fields, languages: authoring.languages)
        do {
            let body = try form.request(in: visitor.timeZone)
            let saved = if let course {
                try await authoring.updateCourse(course, with: try authoring.courseChange(body, editing: course))
            } else {
                try await authoring.createCourse(body, by: visitor.principal)
            }
            return PageRenderer.redirect(to: "/teach/\(saved.slug)")
        } catch {
            return settingsPage(form, course: course, problems: try FormProblems(error, conflictField: "slug"), visitor: visitor, request: request, status: .unprocessableContent)
        }
    }

    /// Publishes a draft or takes a published course back to draft.
    @Sendable func changeStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        guard let status = fields.first("status").flatMap(CourseStatus.init(rawValue:)), [.published, .draft].contains(status) else {
            throw AcademyError.validationFailed([FieldError(field: "status", message: "must be published or draft")])
        }
        _ = try await courses.setStatus(course.id, to: status)
        return PageRenderer.redirect(to: "/teach/\(course.slug)")
    }

    // MARK: The course's outline

    struct EditorPage {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let status: String
        let isPublished: Bool
        let isDraft: Bool
        let modules: [ModuleRow]
        let newModule: ModulePage
        /// The language the coverage's titles are in.
        let defaultLanguage: String
        let languageCount: Int
        let gaps: [Gap]
    }

    struct ModuleRow {
        let id: String
        let position: Int
        let lang: String
        let dir: String
        let title: String
        let items: [ItemRow]
    }

    static func editURL(of item: CourseItem) -> String {
        switch item.kind {
        case .lesson: "/teach/lessons/\(item.id.apiString)"
        case .quiz: "/teach/quizzes/\(item.id.apiString)"
        case .liveSession: "/teach/live-sessions/\(item.id.apiString)"
        }
    }

    struct ItemRow {
        let id: String
        let kind: String
        let lang: String
        let dir: String
        let title: String
        /// Where the item is edited (a live session: its page, which shows its editors every link).
        let editURL: String
    }

    struct Gap {
        let kind: String
        let title: String
        let missing: String
    }

    @Sendable func editor(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await editorPage(course, newModule: TranslatedTexts([:]), position: "", problems: FormProblems(), visitor: visitor, request: request)
    }

    private func editorPage(
        _ course: Course, newModule: TranslatedTexts, position: String, problems: FormProblems, visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        async let modules = content.modules(of: course.id)
        async let items = content.items(of: course.id)
        let coverage = authoring.coverage(of: course, modules: try await modules, items: try await items)
        let strings = renderer.strings(visitor.language)
        let itemsByModule = Dictionary(grouping: try await items, by: \.moduleID)
        let text = ContentLanguage(course.translations, course: course, visitor: visitor)
        let page = EditorPage(
            slug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? course.slug,
            status: strings["course_status_\(course.status.rawValue)"] ?? course.status.rawValue,
            isPublished: course.status == .published, isDraft: course.status == .draft,
            modules: try await modules.map { module in
                let title = ContentLanguage(module.titles, course: course, visitor: visitor)
                return ModuleRow(
                    id: module.id.apiString, position: module.position, lang: title.lang, dir: title.dir, title: title.value ?? "",
                    items: (itemsByModule[module.id] ?? []).map { item in
                        let title = ContentLanguage(item.titles, course: course, visitor: visitor)
                        return ItemRow(
                            id: item.id.apiString, kind: strings["item_\(item.kind.rawValue)"] ?? item.kind.rawValue,
                            lang: title.lang, dir: title.dir, title: title.value ?? "", editURL: Self.editURL(of: item)
                        )
                    }
                )
            },
            newModule: modulePage(action: "/teach/\(course.slug)/modules", back: "/teach/\(course.slug)", course: course, texts: newModule, position: position, problems: problems),
            defaultLanguage: course.defaultLanguage, languageCount: coverage.languages.count,
            gaps: coverage.gaps.map { gap in
                Gap(
                    kind: strings["item_\(gap.kind)"] ?? gap.kind, title: gap.title,
                    missing: gap.missing.map(renderer.languageName).joined(separator: ", ")
                )
            }
        )
        return renderer.render("course-editor", title: page.title, page: page, visitor: visitor, request: request, status: status)
    }

    // MARK: Modules

    struct ModulePage {
        let action: String
        let back: String
        let position: String
        let positionInvalid: Bool
        let columns: [TranslationColumn]
        let problems: [FormProblems.Problem]
    }

    private func modulePage(action: String, back: String, course: Course, texts: TranslatedTexts, position: String, problems: FormProblems) -> ModulePage {
        ModulePage(
            action: action, back: back, position: position, positionInvalid: problems.isInvalid("position"),
            columns: texts.columns(languages: authoring.languages, defaultLanguage: course.defaultLanguage, names: renderer.languageName, problems: problems, bodyField: "body"),
            problems: problems.list
        )
    }

    private func moduleRequest(_ fields: FormFields) throws(AcademyError) -> ModuleRequest {
        var validation = FieldValidation()
        let position = FormValue.integer(fields.text("position"), field: "position", into: &validation)
        try validation.finish()
        let texts = TranslatedTexts(fields: fields, languages: authoring.languages)
        return ModuleRequest(position: position, translations: texts.values.mapValues { ModuleRequest.Text(title: $0.title) })
    }

    @Sendable func addModule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        do {
            let module = try await authoring.createModule(in: course, try moduleRequest(fields))
            return PageRenderer.redirect(to: "/teach/\(course.slug)#module-\(module.id.apiString)")
        } catch {
            return try await editorPage(
                course, newModule: TranslatedTexts(fields: fields, languages: authoring.languages), position: fields.text("position"),
                problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    @Sendable func module(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (module, course) = try await access.editableModule(try context.parameters.uuid("id"), by: visitor.principal)
        let texts = TranslatedTexts(module.titles.mapValues { ($0, "") })
        return renderModule(module, course: course, texts: texts, position: String(module.position), problems: FormProblems(), visitor: visitor, request: request)
    }

    private func renderModule(
        _ module: CourseModule, course: Course, texts: TranslatedTexts, position: String, problems: FormProblems, visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let page = modulePage(
            action: "/teach/modules/\(module.id.apiString)", back: "/teach/\(course.slug)", course: course, texts: texts, position: position, problems: problems
        )
        return renderer.render("module", title: renderer.strings(visitor.language)["module_edit"] ?? "", page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func saveModule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (module, course) = try await access.editableModule(try context.parameters.uuid("id"), by: visitor.principal)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        do {
            _ = try await authoring.updateModule(module, with: try authoring.moduleChange(try moduleRequest(fields), of: course))
            return PageRenderer.redirect(to: "/teach/\(course.slug)#module-\(module.id.apiString)")
        } catch {
            return renderModule(
                module, course: course, texts: TranslatedTexts(fields: fields, languages: authoring.languages), position: fields.text("position"),
                problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    /// Only an empty module goes: its lessons and quizzes are moved or deleted first.
    @Sendable func deleteModule(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (module, course) = try await access.editableModule(try context.parameters.uuid("id"), by: visitor.principal)
        return try await SiteForm.deletion(request, visitor: visitor, next: "/teach/\(course.slug)") {
            try await content.deleteModule(module)
        } refused: { problems in
            renderModule(
                module, course: course, texts: TranslatedTexts(module.titles.mapValues { ($0, "") }), position: String(module.position),
                problems: problems, visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }
}
