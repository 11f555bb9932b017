import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A student's way through a course: the outline (on the course's page), lessons with their
/// files, marking a lesson done.
struct LearningPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let completion: LessonCompletion
    let download: AttachmentDownload

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("lessons/:id", use: lesson)
        routes.post("lessons/:id/complete", use: complete)
        routes.get("attachments/:id", use: attachment)
    }

    struct LessonPage {
        let id: String
        let courseSlug: String
        let lang: String
        let dir: String
        let title: String
        let bodyHTML: String
        let attachments: [AttachmentLink]
        let hasAttachments: Bool
        let isStudent: Bool
        let completed: Bool
    }

    struct AttachmentLink {
        let url: String
        let filename: String
        let size: String
        let isAudio: Bool
        let isVideo: Bool

        init(_ file: Attachment) {
            url = "/attachments/\(file.id.apiString)"
            filename = file.filename
            size = ByteCountFormatter.string(fromByteCount: Int64(file.size), countStyle: .file)
            isAudio = file.contentType.hasPrefix("audio/")
            isVideo = file.contentType.hasPrefix("video/")
        }
    }

    /// The lesson in the visitor's language when it has one, else the course's default; its
    /// own `lang` and `dir`, whatever the interface's.
    @Sendable func lesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let id = try context.parameters.uuid("id")
        let (lesson, attachments, course, reader) = try await access.openLesson(id, principal: visitor.principal)
        let text = ContentLanguage(lesson.translations, course: course, visitor: visitor)
        let done: Bool
        let isStudent: Bool
        if case .student(_, let completed) = reader {
            (isStudent, done) = (true, completed.contains(lesson.id))
        } else {
            (isStudent, done) = (false, false)
        }
        let page = LessonPage(
            id: lesson.id.apiString, courseSlug: course.slug, lang: text.lang, dir: text.dir,
            title: text.value?.title ?? "", bodyHTML: text.value?.bodyHTML ?? "",
            attachments: attachments.map(AttachmentLink.init),
            hasAttachments: !attachments.isEmpty, isStudent: isStudent, completed: done
        )
        return renderer.render("lesson", title: page.title, page: page, visitor: visitor, request: request)
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        let id = try context.parameters.uuid("id")
        _ = try await completion.complete(lesson: id, by: visitor.principal)
        return PageRenderer.redirect(to: "/lessons/\(id.apiString)")
    }

    /// The same download as the API's, with the cookie's session: `<audio>` and `<video>` send
    /// cookies, not bearer tokens, and seek with Range requests.
    @Sendable func attachment(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        var context = context
        context.principal = visitor.principal
        return try await download.response(to: request, context: context)
    }
}

/// The outline of a course as its reader sees it: modules, items, what is locked and why (dates
/// in the reader's time zone), what is done.
struct OutlineView {
    let modules: [Module]

    struct Module {
        let lang: String
        let dir: String
        let title: String
        let items: [Item]
    }

    struct Item {
        let kindLabel: String
        let lang: String
        let dir: String
        let title: String
        let url: String
        let locked: Bool
        let reason: String?
        let done: Bool
    }

    /// The page of an item of each kind.
    static func path(of kind: CourseItem.Kind) -> String {
        switch kind {
        case .lesson: "lessons"
        case .quiz: "quizzes"
        case .liveSession: "live-sessions"
        }
    }

    static func build(
        course: Course, modules: [CourseModule], items: [CourseItem], locks: [UUID: ItemLock], done: Set<UUID>,
        visitor: Visitor, strings: [String: String]
    ) -> OutlineView {
        func localized(_ texts: [String: String]) -> (lang: String, dir: String, text: String) {
            let chosen = ContentLanguage(texts, course: course, visitor: visitor)
            return (chosen.lang, chosen.dir, chosen.value ?? "")
        }
        return OutlineView(modules: modules.map { module in
            let heading = localized(module.titles)
            return Module(lang: heading.lang, dir: heading.dir, title: heading.text, items: items.filter { $0.moduleID == module.id }.map { item in
                let title = localized(item.titles)
                let lock = locks[item.id] ?? .open
                let reason: String? = switch lock {
                case .open: nil
                case .courseNotStarted(let until), .notReleased(let until): "\(strings["locked_until"] ?? "") \(visitor.format(until))"
                case .requiresPrevious: strings["locked_previous"]
                }
                return Item(
                    kindLabel: strings["item_\(item.kind.rawValue)"] ?? item.kind.rawValue,
                    lang: title.lang, dir: title.dir, title: title.text,
                    url: "/\(Self.path(of: item.kind))/\(item.id.apiString)",
                    locked: lock.isLocked, reason: reason, done: done.contains(item.id)
                )
            })
        })
    }
}
