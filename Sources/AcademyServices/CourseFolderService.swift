public import AcademyContent
import AcademyCore
public import AcademyStore
public import Foundation
import SystemPackage
import _NIOFileSystem

/// Imports and exports course folders (the `Courses/` format) for the CLI.
public struct CourseFolderService: Sendable {
    let access: CourseAccess
    let courses: CourseRepository
    let content: CourseContentRepository
    let imports: CourseImportRepository
    let users: UserRepository
    let attachments: AttachmentRepository
    let quizzes: QuizRepository
    let liveSessions: LiveSessionRepository
    let bank: QuestionBankRepository
    let blobs: BlobStore
    let languages: [String]
    let maxUploadBytes: Int

    public init(
        access: CourseAccess, courses: CourseRepository, content: CourseContentRepository, imports: CourseImportRepository,
        users: UserRepository, attachments: AttachmentRepository, quizzes: QuizRepository, liveSessions: LiveSessionRepository,
        bank: QuestionBankRepository, blobs: BlobStore, languages: [String], maxUploadBytes: Int
    ) {
        self.access = access
        self.courses = courses
        self.content = content
        self.imports = imports
        self.users = users
        self.attachments = attachments
        self.quizzes = quizzes
        self.liveSessions = liveSessions
        self.bank = bank
        self.blobs = blobs
        self.languages = languages
        self.maxUploadBytes = maxUploadBytes
    }

    /// Validates every folder first and, only if all are sound, applies each course in its own
    /// transaction. `instructorEmail` names an instructor or admin to teach the imported courses;
    /// `onlyNew` leaves courses that exist already untouched (their outcome is nil).
    public func importFolders(_ directories: [URL], instructorEmail: String?, onlyNew: Bool = false) async throws -> [(slug: String, outcome: CourseImportOutcome?)] {
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
        var results: [(String, CourseImportOutcome?)] = []
        for folder in folders {
            if onlyNew, try await courses.find(.slug(folder.slug), for: nil) != nil {
                results.append((folder.slug, nil))
                continue
            }
            let plan = try await plan(folder)
            results.append((folder.slug, try await imports.apply(
                plan, instructor: instructor, offered: languages, render: { try await LessonFiles.html(from: $0, attachments: $1, field: $2) }
            )))
        }
        return results
    }

    /// The folder's attachments are stored (content-addressed, like uploads) before the
    /// transaction that records them.
    func plan(_ folder: CourseFolder) async throws -> CourseImportPlan {
        var stored: [String: [CourseImportPlan.AttachmentFile]] = [:]
        for item in folder.modules.flatMap(\.items) {
            guard case .lesson(_, let attachments) = item.content else { continue }
            for (name, url) in attachments.sorted(by: { $0.key < $1.key }) {
                let mediaType = AttachmentRules.mediaType(forFileNamed: name) ?? "application/octet-stream"
                let blob = try await blobs.store(fileAt: url, limit: maxUploadBytes, mediaType: mediaType)
                stored[item.key, default: []].append(.init(filename: name, sha256: blob.sha256, size: blob.size, contentType: mediaType))
            }
        }
        // The bank's images, each stored and checked to be the bytes its SHA-256 names.
        for question in folder.bank {
            for image in question.question.images ?? [] {
                guard let url = folder.bankImages[image.sha256] else { continue }
                let blob = try await blobs.store(fileAt: url, limit: maxUploadBytes, mediaType: image.mediaType)
                guard blob.sha256 == image.sha256 else {
                    throw FolderProblems(problems: [FolderProblem(file: url.path, line: nil, message: "is not the image its name (its SHA-256) says")])
                }
            }
        }
        return Self.plan(folder, attachments: stored)
    }

    static func plan(_ folder: CourseFolder, attachments: [String: [CourseImportPlan.AttachmentFile]]) -> CourseImportPlan {
        CourseImportPlan(
            course: CourseDraft(
                slug: folder.slug, defaultLanguage: folder.defaultLanguage, translations: folder.translations,
                enrollmentMode: folder.enrollment.mode, enrollmentKeyHash: nil, capacity: folder.enrollment.capacity,
                startsAt: folder.startsAt, endsAt: folder.endsAt
            ),
            status: folder.status,
            bank: folder.bank,
            modules: folder.modules.map { module in
                .init(key: module.key, titles: module.titles, items: module.items.map { item in
                    let content: CourseImportPlan.ItemPlan.Content = switch item.content {
                    case .lesson(let translations, _):
                        .lesson(translations: translations.mapValues { ($0.title, $0.bodyMarkdown) }, attachments: attachments[item.key] ?? [])
                    case .quiz(let settings, let content):
                        .quiz(settings, content)
                    case .liveSession(let settings, let translations):
                        .liveSession(settings, translations: translations.mapValues { ($0.title, $0.bodyMarkdown) })
                    }
                    return .init(key: item.key, releaseAt: item.releaseAt, requiresPrevious: item.requiresPrevious, content: content)
                })
            }
        )
    }

    /// Writes the course as a folder. Modules, lessons, quizzes and live sessions made through the API get their keys
    /// first (from their position), so that importing the folder updates them in place.
    public func export(slug: String, to directory: URL) async throws {
        let course = try await access.course(.slug(slug))
        try await content.assignMissingKeys(of: course.id)
        let modules = try await content.modules(of: course.id)
        let lessons = try await content.lessons(of: course.id)
        var lessonFiles: [UUID: [Attachment]] = [:]
        for lesson in lessons {
            lessonFiles[lesson.id] = try await attachments.attachments(of: lesson.id)
        }
        let bankQuestions = try await bank.allQuestions(of: course.id, under: nil, limit: QuestionBank.maximumQuestions)
        let bankImages = bankQuestions.flatMap { $0.question.images ?? [] }
        let hashes = Set(lessonFiles.values.joined().map(\.sha256)).union(bankImages.map(\.sha256))
        var items: [UUID: [(position: Int, item: CourseFolder.Item)]] = [:]
        for quiz in try await quizzes.quizzes(of: course.id) {
            items[quiz.moduleID, default: []].append((quiz.position, CourseFolder.Item(
                key: quiz.key ?? "", releaseAt: quiz.releaseAt, requiresPrevious: quiz.requiresPrevious,
                content: .quiz(quiz.settings, quiz.content)
            )))
        }
        for session in try await liveSessions.sessions(of: course.id) {
            let translations = session.translations.mapValues { CourseFolder.LessonSource(title: $0.title, bodyMarkdown: $0.descriptionMarkdown) }
            items[session.moduleID, default: []].append((session.position, CourseFolder.Item(
                key: session.key ?? "", releaseAt: session.releaseAt, requiresPrevious: session.requiresPrevious,
                content: .liveSession(session.settings, translations: translations)
            )))
        }
        try await blobs.withLocalFiles(hashes) { files in
            for lesson in lessons {
                let attachments = Dictionary(
                    (lessonFiles[lesson.id] ?? []).compactMap { attachment in files[attachment.sha256].map { (attachment.filename, $0) } },
                    uniquingKeysWith: { _, last in last }
                )
                let translations = lesson.translations.mapValues { CourseFolder.LessonSource(title: $0.title, bodyMarkdown: $0.bodyMarkdown) }
                items[lesson.moduleID, default: []].append((lesson.position, CourseFolder.Item(
                    key: lesson.key ?? "", releaseAt: lesson.releaseAt, requiresPrevious: lesson.requiresPrevious,
                    content: .lesson(translations: translations, attachments: attachments)
                )))
            }
            let folder = CourseFolder(
                slug: course.slug, defaultLanguage: course.defaultLanguage,
                status: course.status == .published ? .published : .draft,
                translations: course.translations,
                enrollment: .init(mode: course.enrollmentMode, capacity: course.capacity),
                startsAt: course.startsAt, endsAt: course.endsAt,
                modules: modules.map { module in
                    CourseFolder.Module(
                        key: module.key ?? "", titles: module.titles,
                        items: (items[module.id] ?? []).sorted { $0.position < $1.position }.map(\.item)
                    )
                },
                bank: bankQuestions,
                bankImages: files.filter { sha256, _ in bankImages.contains { $0.sha256 == sha256 } }
            )
            try CourseFolderWriter.write(folder, to: directory)
        }
    }
}
