import AcademyCore
package import AcademyServices
package import AcademyStore
import Foundation
package import Hummingbird
import NIOPosix
import SystemPackage
import _NIOFileSystem

/// `/lessons/{id}/attachments` and `/attachments/{id}`: files streamed to disk and back, with
/// ETags, ranges for video, and the original (Unicode) file name.
struct AttachmentController {
    let access: CourseAccess
    let attachments: AttachmentRepository
    let blobs: BlobStore
    let maxUploadBytes: Int
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("lessons/:id/attachments", use: upload)
        routes.get("attachments/:id", use: download)
        return routes
    }

    /// The raw body is the file (`Content-Type` says what it is, `?filename=` names it), or a
    /// multipart form with one file part (its name says both).
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentResponse> {
        let (lesson, _) = try await access.editableLesson(try context.parameters.uuid("id"), by: context.principal)
        let named = try request.uri.queryParameters.get("filename").map { raw throws(AcademyError) in
            try AttachmentRules.filename(raw).mapError { AcademyError.validationFailed([$0]) }.get()
        }
        if let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data"),
           let boundary = MultipartStaging.boundary(of: contentType) {
            return try await uploadForm(request, boundary: boundary, lesson: lesson, named: named)
        }
        guard let mediaType = AttachmentRules.mediaType(request.headers[.contentType]) else {
            throw AcademyError.unsupportedMediaType(expected: "one of \(AttachmentRules.acceptedTypes.joined(separator: ", "))")
        }
        guard let filename = named else {
            throw AcademyError.validationFailed([FieldError(field: "filename", message: "is required with a raw body")])
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxUploadBytes {
            throw AcademyError.payloadTooLarge(limit: maxUploadBytes)
        }
        let stored = try await blobs.store(request.body, limit: maxUploadBytes, mediaType: mediaType)
        let attachment = try await attachments.attach(
            lessonID: lesson.id, sha256: stored.sha256, size: stored.size, filename: filename, contentType: mediaType
        )
        return EditedResponse(status: .created, response: AttachmentResponse(attachment: attachment))
    }

    /// The part's file name says what the file is; `named` (from `?filename=`) renames it.
    private func uploadForm(_ request: Request, boundary: String, lesson: Lesson, named: String?) async throws -> EditedResponse<AttachmentResponse> {
        let staging = URL(fileURLWithPath: blobs.root.string).appendingPathComponent("tmp").appendingPathComponent("form-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        let files = try await MultipartStaging(maximumBytes: maxUploadBytes, maximumFiles: 1) { raw throws(AcademyError) in
            switch AttachmentRules.filename(raw) {
            case .success(let name): return name
            case .failure(let error): throw .validationFailed([error])
            }
        }.stage(request.body, boundary: boundary, into: staging)
        guard let (filename, url) = files.first else {
            throw AcademyError.validationFailed([FieldError(field: "file", message: "is required: send one file part with a filename")])
        }
        guard let mediaType = AttachmentRules.mediaType(forFileNamed: filename) else {
            throw AcademyError.unsupportedMediaType(expected: "a file named .\(AttachmentRules.typesByExtension.keys.sorted().joined(separator: ", ."))")
        }
        let stored = try await blobs.store(fileAt: url, limit: maxUploadBytes, mediaType: mediaType)
        let attachment = try await attachments.attach(
            lessonID: lesson.id, sha256: stored.sha256, size: stored.size, filename: named ?? filename, contentType: mediaType
        )
        return EditedResponse(status: .created, response: AttachmentResponse(attachment: attachment))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await AttachmentDownload(access: access, attachments: attachments, blobs: blobs).response(to: request, context: context)
    }
}

/// A lesson's file, streamed with its ETag and ranges (audio and video seek), to whoever may
/// open the lesson: behind the API's bearer token and the web pages' cookie alike.
package struct AttachmentDownload: Sendable {
    let access: CourseAccess
    let attachments: AttachmentRepository
    let blobs: BlobStore

    package init(access: CourseAccess, attachments: AttachmentRepository, blobs: BlobStore) {
        self.access = access
        self.attachments = attachments
        self.blobs = blobs
    }

    package func response(to request: Request, context: AppRequestContext) async throws -> Response {
        guard let attachment = try await attachments.find(try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such attachment.")
        }
        // Whoever may open the lesson may download its files.
        _ = try await access.openLesson(attachment.lessonID, principal: context.principal)
        let etag = "\"\(attachment.sha256)\""
        var headers: HTTPFields = [
            .eTag: etag,
            .acceptRanges: "bytes",
            .cacheControl: "private, max-age=3600",
            .contentDisposition: AttachmentRules.contentDisposition(filename: attachment.filename, mediaType: attachment.contentType),
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = attachment.contentType
        let path = blobs.path(for: attachment.sha256).string
        let files = FileIO(threadPool: .singleton)
        switch ByteRange.resolve(request.headers[.range], size: attachment.size) {
        case .whole:
            headers[.contentLength] = String(attachment.size)
            return Response(status: .ok, headers: headers, body: try await files.loadFile(path: path, context: context))
        case .partial(let range):
            headers[.contentRange] = "bytes \(range.first)-\(range.last)/\(attachment.size)"
            headers[.contentLength] = String(range.length)
            return Response(status: .partialContent, headers: headers, body: try await files.loadFile(path: path, range: range.first...range.last, context: context))
        case .unsatisfiable:
            throw AcademyError.rangeNotSatisfiable(size: attachment.size)
        }
    }
}


/// An attachment as the API shows it, alone or in its lesson (one writer for both).
struct AttachmentResponse: ResponseGenerator {
    let attachment: Attachment

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter(capacity: 256)
        write(to: &json)
        return .json(json.text)
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("content_type", attachment.contentType)
            json.member("filename", attachment.filename)
            json.member("id", attachment.id.apiString)
            json.member("sha256", attachment.sha256)
            json.member("size", attachment.size)
            json.member("url", AttachmentRules.url(of: attachment.id))
        }
    }
}
