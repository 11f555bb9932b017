import AcademyContent
package import AcademyCore
package import AcademyServices
package import AcademyStore
package import Foundation
package import Hummingbird
import NIOCore
import NIOPosix
import SystemPackage
import ZIPFoundation
import _NIOFileSystem

/// A lesson sent as files, the same as one lesson folder of the `Courses/` format: `LANG.md` per
/// language and `attachments/NAME` files, as a multipart form or as one `.zip` (alone in the
/// body, or the one file of a form). Everything is staged on disk (never whole in memory) under
/// limits on size and file count, checked, and only then stored; Markdown links to attachments
/// by file name are pointed at the stored attachments. For the API and the web pages alike.
package struct LessonUpload: Sendable {
    let content: CourseContentRepository
    let attachments: AttachmentRepository
    let blobs: BlobStore
    let dataDirectory: String
    let languages: [String]
    package let maxUploadBytes: Int

    static let maximumFiles = 200
    /// Folders and macOS metadata count too, at a higher bound, so that no zip is read far.
    static let maximumZipRecords = 1000

    package init(
        content: CourseContentRepository, attachments: AttachmentRepository, blobs: BlobStore, dataDirectory: String, languages: [String], maxUploadBytes: Int
    ) {
        self.content = content
        self.attachments = attachments
        self.blobs = blobs
        self.dataDirectory = dataDirectory
        self.languages = languages
        self.maxUploadBytes = maxUploadBytes
    }

    /// A folder of its own for one upload, removed when `work` is done.
    package func withStaging<Result>(_ work: (URL) async throws -> Result) async throws -> Result {
        let staging = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads").appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        return try await work(staging)
    }

    /// The files of a body: a multipart form (its text fields go to `admit` first, when given) or
    /// a zip. A form whose only file is a `.zip` is that zip's files.
    package func stage(
        _ request: Request, into staging: URL, admit: (@Sendable ([String: String]) throws -> Void)? = nil
    ) async throws -> (fields: [String: String], files: [String: URL]) {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxUploadBytes {
            throw AcademyError.payloadTooLarge(limit: maxUploadBytes)
        }
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = MultipartStaging.boundary(of: contentType) {
            var multipart = MultipartStaging(maximumBytes: maxUploadBytes, maximumFiles: Self.maximumFiles, name: stagedName)
            multipart.admit = admit
            let form = try await multipart.stageForm(request.body, boundary: boundary, into: staging)
            if form.files.count == 1, let (name, url) = form.files.first, name.lowercased().hasSuffix(".zip") {
                let unzipped = staging.appendingPathComponent("unzipped")
                return (form.fields, try await extractOnThreadPool(url, into: unzipped))
            }
            return form
        }
        guard admit == nil, contentType.lowercased().hasPrefix("application/zip") else {
            throw AcademyError.unsupportedMediaType(expected: admit == nil ? "multipart/form-data or application/zip" : "multipart/form-data")
        }
        return ([:], try await stageZip(request.body, into: staging))
    }

    /// The lesson the staged files describe, with its attachments, in `module` at `position`.
    package func createLesson(from files: [String: URL], course: Course, module: CourseModule, position: Int?) async throws -> Lesson {
        let lessonFiles: LessonFiles
        switch LessonFiles.read(files, offered: languages, defaultLanguage: course.defaultLanguage) {
        case .success(let read):
            lessonFiles = read
        case .failure(let found):
            throw AcademyError.validationFailed(found.problems.map { problem in
                FieldError(field: "files.\(problem.file)", message: problem.line.map { "line \($0): \(problem.message)" } ?? problem.message)
            })
        }
        // Rendered before any file is stored, so that Markdown refused as too slow leaves nothing behind.
        let attachmentIDs = Dictionary(uniqueKeysWithValues: lessonFiles.attachments.map { ($0.name, UUID()) })
        var texts: [String: LessonText] = [:]
        for (language, source) in lessonFiles.sources {
            let html = try await LessonFiles.html(from: source.bodyMarkdown, attachments: attachmentIDs, field: "files.\(language).md")
            texts[language] = LessonText(title: source.title, bodyMarkdown: source.bodyMarkdown, bodyHTML: html)
        }
        var pending: [PendingAttachment] = []
        for file in lessonFiles.attachments {
            let stored = try await blobs.store(fileAt: file.url, limit: maxUploadBytes, mediaType: file.mediaType)
            pending.append(PendingAttachment(
                id: attachmentIDs[file.name] ?? UUID(), sha256: stored.sha256, size: stored.size, filename: file.name, contentType: file.mediaType
            ))
        }
        return try await content.createLesson(
            in: module, position: position, releaseAt: nil, requiresPrevious: false, translations: texts, attachments: pending
        )
    }

    // MARK: Staging

    /// Where a part or zip entry goes: `LANG.md` at the top, anything else under `attachments/`.
    @Sendable func stagedName(for raw: String) throws(AcademyError) -> String {
        let components = raw.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = components.last, !components.contains(".."), !raw.hasPrefix("/"), !raw.contains("\\") else {
            throw .validationFailed([FieldError(field: "files", message: "\(raw) is not a safe file name")])
        }
        let name: String
        switch AttachmentRules.filename(last) {
        case .success(let valid): name = valid
        case .failure(let error): throw .validationFailed([FieldError(field: "files.\(raw)", message: error.message)])
        }
        let isLessonFile = name.hasSuffix(".md") && languages.contains(String(name.dropLast(3))) && components.dropLast().last != "attachments"
        return isLessonFile ? name : "attachments/\(name)"
    }

    /// The zip is saved whole first (its directory is at its end), then read on a blocking thread:
    /// entry count, names, declared sizes and the bytes actually inflated are all checked, so a
    /// zip bomb stops at the limit and nothing of it is kept.
    private func stageZip(_ body: RequestBody, into staging: URL) async throws -> [String: URL] {
        let archiveURL = staging.appendingPathComponent("upload.zip")
        var total = 0
        let handle = try await FileSystem.shared.openFile(forWritingAt: FilePath(archiveURL.path), options: .newFile(replaceExisting: false))
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                guard total <= maxUploadBytes else { throw AcademyError.payloadTooLarge(limit: maxUploadBytes) }
                try await handle.write(contentsOf: chunk, toAbsoluteOffset: Int64(total - chunk.readableBytes))
            }
            try await handle.close()
        } catch {
            try? await handle.close()
            throw error
        }
        return try await extractOnThreadPool(archiveURL, into: staging)
    }

    private func extractOnThreadPool(_ archiveURL: URL, into staging: URL) async throws -> [String: URL] {
        let limit = maxUploadBytes
        let upload = self
        return try await NIOThreadPool.singleton.runIfActive {
            try upload.extract(archiveURL, into: staging, limit: limit)
        }
    }

    func extract(_ archiveURL: URL, into staging: URL, limit: Int) throws -> [String: URL] {
        let archive: Archive
        do {
            archive = try Archive(url: archiveURL, accessMode: .read)
        } catch {
            throw AcademyError.validationFailed([FieldError(field: "files", message: "the body is not a readable zip archive")])
        }
        // The central directory is read one record at a time and the reading stops at the
        // bound: its records can all point at the same data, so a small upload may declare
        // millions of entries, and materializing them would cost gigabytes before the answer.
        var entries: [Entry] = []
        var records = 0
        for entry in archive {
            records += 1
            let isJunk = entry.type == .directory || entry.path.hasPrefix("__MACOSX/") || entry.path.hasSuffix("/.DS_Store")
            if !isJunk { entries.append(entry) }
            guard entries.count <= Self.maximumFiles, records <= Self.maximumZipRecords else {
                throw AcademyError.validationFailed([FieldError(
                    field: "files", message: "the zip holds more than \(Self.maximumFiles) files (or \(Self.maximumZipRecords) entries of any kind)"
                )])
            }
        }
        if let link = entries.first(where: { $0.type == .symlink }) {
            throw AcademyError.validationFailed([FieldError(field: "files", message: "\(link.path) is a symbolic link; zips may hold only files")])
        }
        let declared = entries.reduce(UInt64(0)) { $0 + $1.uncompressedSize }
        guard declared <= UInt64(limit) else { throw AcademyError.payloadTooLarge(limit: limit) }
        // A zip of one folder (`01-alif/ar.md`) is read as that folder.
        let tops = Set(entries.map { $0.path.split(separator: "/").first.map(String.init) ?? "" })
        let stripTop = tops.count == 1 && entries.allSatisfy { $0.path.contains("/") } && !(tops.first == "attachments")
        var files: [String: URL] = [:]
        var inflated = 0
        for entry in entries {
            let path = stripTop ? String(entry.path.split(separator: "/", maxSplits: 1).last ?? "") : entry.path
            let name = try stagedName(for: path)
            guard files[name] == nil else {
                throw AcademyError.validationFailed([FieldError(field: "files.\(name)", message: "appears twice in the zip")])
            }
            let url = staging.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil), let output = FileHandle(forWritingAtPath: url.path) else {
                throw AcademyError.unavailable(reason: "The upload could not be staged on disk.", retryAfterSeconds: 5)
            }
            defer { try? output.close() }
            var entryBytes = 0
            _ = try archive.extract(entry) { data in
                entryBytes += data.count
                inflated += data.count
                // The sizes in a zip's directory are claims; the inflated bytes are facts.
                guard UInt64(entryBytes) <= entry.uncompressedSize, inflated <= limit else {
                    throw AcademyError.payloadTooLarge(limit: limit)
                }
                output.write(data)
            }
            files[name] = url
        }
        return files
    }
}

extension AppDependencies {
    package var lessonUpload: LessonUpload {
        LessonUpload(
            content: content, attachments: attachments, blobs: blobs, dataDirectory: configuration.dataDirectory,
            languages: configuration.languages, maxUploadBytes: configuration.maxUploadBytes
        )
    }
}
