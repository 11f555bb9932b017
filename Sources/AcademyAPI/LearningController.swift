import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A student's way through a course: the outline with what is locked and done, and completing
/// lessons.
struct LearningController {
    let access: CourseAccess
    let content: CourseContentRepository
    let completion: LessonCompletion
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.get("courses/:course/outline", use: outline)
        routes.post("lessons/:id/complete", use: complete)
        return routes
    }

    @Sendable func outline(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<OutlineResponse> {
        let (course, relation) = try await access.visibleCourse(context)
        let reader = try await access.reader(of: course, relation: relation, principal: context.principal)
        let modules = try await content.modules(of: course.id)
        let items = try await content.items(of: course.id)
        let locks = access.locks(of: items, course: course, reader: reader)
        let done: Set<UUID>? = if case .student(_, let done) = reader { done } else { nil }
        let choice = LanguageChoice(request: request, context: context, available: course.translations.keys, fallback: course.defaultLanguage)
        return choice.apply(to: OutlineResponse(course: course, modules: modules, items: items, locks: locks, done: done, choice: choice))
    }

    /// Idempotent: completing a lesson twice changes nothing and answers the same progress. The
    /// completion that finishes the course issues its certificate, once.
    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> ProgressResponse {
        ProgressResponse(progress: try await completion.complete(lesson: try context.parameters.uuid("id"), by: context.principal))
    }
}

struct OutlineResponse: ResponseEncodable {
    let course: Course
    let modules: [CourseModule]
    let items: [CourseItem]
    let locks: [UUID: ItemLock]
    /// Completed items, for a student; nil for the course's editors.
    let done: Set<UUID>?
    let choice: LanguageChoice

    enum CodingKeys: String, CodingKey { case courseId, language, direction, modules }
    enum ModuleKeys: String, CodingKey { case id, position, title, items }
    enum ItemKeys: String, CodingKey { case id, kind, position, title, locked, lockReason, unlocksAt, blockedBy, completed, releaseAt, requiresPrevious }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(course.id.apiString, forKey: .courseId)
        try container.encode(choice.language, forKey: .language)
        try container.encode(choice.direction, forKey: .direction)
        var moduleList = container.nestedUnkeyedContainer(forKey: .modules)
        for module in modules {
            var moduleContainer = moduleList.nestedContainer(keyedBy: ModuleKeys.self)
            try moduleContainer.encode(module.id.apiString, forKey: .id)
            try moduleContainer.encode(module.position, forKey: .position)
            try moduleContainer.encode(choice.text(module.titles) ?? "", forKey: .title)
            var itemList = moduleContainer.nestedUnkeyedContainer(forKey: .items)
            for entry in items where entry.moduleID == module.id {
                var item = itemList.nestedContainer(keyedBy: ItemKeys.self)
                let lock = locks[entry.id] ?? .open
                try item.encode(entry.id.apiString, forKey: .id)
                try item.encode(entry.kind, forKey: .kind)
                try item.encode(entry.position, forKey: .position)
                try item.encode(choice.text(entry.titles) ?? "", forKey: .title)
                try item.encode(lock.isLocked, forKey: .locked)
                try item.encode(Self.reason(lock), forKey: .lockReason)
                try item.encode(lock.unlocksAt, forKey: .unlocksAt)
                if case .requiresPrevious(let blocker) = lock {
                    try item.encode(blocker.apiString, forKey: .blockedBy)
                } else {
                    try item.encodeNil(forKey: .blockedBy)
                }
                try item.encode(entry.releaseAt, forKey: .releaseAt)
                try item.encode(entry.requiresPrevious, forKey: .requiresPrevious)
                if let done {
                    try item.encode(done.contains(entry.id), forKey: .completed)
                }
            }
        }
    }

    static func reason(_ lock: ItemLock) -> String? {
        switch lock {
        case .open: nil
        case .courseNotStarted: "course_not_started"
        case .notReleased: "not_released"
        case .requiresPrevious: "requires_previous"
        }
    }
}
