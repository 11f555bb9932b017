public import AcademyContent
import AcademyCore
public import AcademyStore
public import Foundation

/// Imports and exports course folders (the `Courses/` format) for the CLI.
public struct CourseFolderService: Sendable {
    let courses: CourseRepository
    let content: CourseContentRepository
    let imports: CourseImportRepository
    let users: UserRepository
    let languages: [String]

    public init(dependencies: AppDependencies) {
        courses = CourseRepository(database: dependencies.database)
        content = CourseContentRepository(database: dependencies.database)
        imports = CourseImportRepository(database: dependencies.database)
        users = dependencies.accounts.users
        languages = dependencies.configuration.languages
    }

    /// Validates every folder first and, only if all are sound, applies each course in its own
    /// transaction. `instructorEmail` names an instructor or admin to teach the imported courses.
    public func importFolders(_ directories: [URL], instructorEmail: String?) async throws -> [(slug: String, outcome: CourseImportOutcome)] {
        var folders: [CourseFolder] = []
        var problems: [FolderProblem] = []
        for directory in directories {
            switch CourseFolderReader.read(directory, offered: languages) {
            case .success(let folder): folders.append(folder)
            case .failure(let found): problems += found.problems
            }
        }
        let slugs = folders.map(\.slug)
        for (index, slug) in slugs.enumerated() where slugs[..<index].contains(slug) {
            problems.append(FolderProblem(file: directories[index].path, line: nil, message: "has the slug \(slug) of another folder in this import"))
        }
        guard problems.isEmpty else { throw FolderProblems(problems: problems) }

        var instructor: UUID?
        if let instructorEmail {
            guard let user = try await users.find(email: instructorEmail), user.role != .student else {
                throw AcademyError.notFound("No instructor or admin has the email \(instructorEmail).")
            }
            instructor = user.id
        }
        var results: [(String, CourseImportOutcome)] = []
        for folder in folders {
            results.append((folder.slug, try await imports.apply(Self.plan(folder), instructor: instructor)))
        }
        return results
    }

    static func plan(_ folder: CourseFolder) -> CourseImportPlan {
        CourseImportPlan(
            course: CourseDraft(
                slug: folder.slug, defaultLanguage: folder.defaultLanguage, translations: folder.translations,
                enrollmentMode: folder.enrollment.mode, enrollmentKeyHash: nil, capacity: folder.enrollment.capacity,
                startsAt: folder.startsAt, endsAt: folder.endsAt
            ),
            status: folder.status,
            modules: folder.modules.map { module in
                .init(key: module.key, titles: module.titles, lessons: module.items.map { item in
                    .init(
                        key: item.lessonKey, releaseAt: item.releaseAt, requiresPrevious: item.requiresPrevious,
                        translations: item.translations.mapValues { source in
                            LessonText(title: source.title, bodyMarkdown: source.bodyMarkdown, bodyHTML: MarkdownRenderer.html(from: source.bodyMarkdown))
                        }
                    )
                })
            }
        )
    }

    /// Writes the course as a folder. Modules and lessons made through the API get their keys
    /// first (from their position), so that importing the folder updates them in place.
    public func export(slug: String, to directory: URL) async throws {
        guard let (course, _) = try await courses.find(slug, for: nil) else {
            throw AcademyError.notFound("No course \(slug).")
        }
        try await content.assignMissingKeys(of: course.id)
        let modules = try await content.modules(of: course.id)
        let lessons = try await content.lessons(of: course.id)
        let folder = CourseFolder(
            slug: course.slug, defaultLanguage: course.defaultLanguage,
            status: course.status == .published ? .published : .draft,
            translations: course.translations,
            enrollment: .init(mode: course.enrollmentMode, capacity: course.capacity),
            startsAt: course.startsAt, endsAt: course.endsAt,
            modules: modules.map { module in
                CourseFolder.Module(
                    key: module.key ?? "",
                    titles: module.titles,
                    items: lessons.filter { $0.moduleID == module.id }.map { lesson in
                        CourseFolder.Item(
                            lessonKey: lesson.key ?? "",
                            releaseAt: lesson.releaseAt, requiresPrevious: lesson.requiresPrevious,
                            translations: lesson.translations.mapValues { .init(title: $0.title, bodyMarkdown: $0.bodyMarkdown) }
                        )
                    }
                )
            }
        )
        try CourseFolderWriter.write(folder, to: directory)
    }
}
