package import AcademyCore
package import AcademyServices
package import AcademyStore
package import Foundation
package import Hummingbird
import NIOPosix
import SystemPackage

/// `/lessons/{id}/attachments` and `/attachments/{id}`: files streamed to disk and back, with
/// ETags, ranges for video, and the original (Unicode) file name.
struct AttachmentController {
    let access: CourseAccess
    let attachments: AttachmentRepository
    let blobs: BlobStore
    let upload: AttachmentUpload
    /// How long before a live session starts its links appear (`ACADEMY_LIVE_LINK_LEAD_MINUTES`).
    let leadTime: TimeInterval
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("lessons/:id/attachments", use: attach)
        routes.get("attachments/:id", use: download)
        return routes
    }

    /// The raw body is the file (`Content-Type` says what it is, `?filename=` names it), or a
    /// multipart form with one file part (its name says both).
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentResponse> {
        let (lesson, _) = try await access.editableLesson(try context.parameters.uuid("id"), by: context.principal)
        return EditedResponse(status: .created, response: AttachmentResponse(attachment: try await upload.attach(request, toItem: lesson.id)))
    }

    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await AttachmentDownload(access: access, attachments: attachments, blobs: blobs, leadTime: leadTime).response(to: request, context: context)
    }
}

/// A lesson's file, streamed with its ETag and ranges (audio and video seek), to whoever may
/// open the lesson: behind the API's bearer token and the web pages' cookie alike.
package struct AttachmentDownload: Sendable {
    let access: CourseAccess
    let attachments: AttachmentRepository
    let blobs: BlobStore
    /// How long before a live session starts its links appear (`ACADEMY_LIVE_LINK_LEAD_MINUTES`).
    let leadTime: TimeInterval

    package init(access: CourseAccess, attachments: AttachmentRepository, blobs: BlobStore, leadTime: TimeInterval) {
        self.access = access
        self.attachments = attachments
        self.blobs = blobs
        self.leadTime = leadTime
    }

    package func response(to request: Request, context: AppRequestContext) async throws -> Response {
        guard let (attachment, kind) = try await attachments.find(try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such attachment.")
        }
        // Whoever may open the lesson may download its files; a live session's (its recording)
        // once it is over (`LiveSessionRules.filesShown`).
        try await access.requireAttachmentReadable(attachment, of: kind, principal: context.principal, leadTime: leadTime)
        return try await BlobResponse.file(
            attachment.sha256, size: attachment.size, mediaType: attachment.contentType, filename: attachment.filename,
            from: blobs, request: request, context: context
        )
    }
}

/// A stored file as a download: its SHA-256 as its ETag (304 on a match), ranges, its name.
package enum BlobResponse {
    package static func file(
        _ sha256: String, size: Int, mediaType: String, filename: String, from blobs: BlobStore, request: Request, context: AppRequestContext
    ) async throws -> Response {
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .eTag: etag,
            .acceptRanges: "bytes",
            .cacheControl: "private, max-age=3600",
            .contentDisposition: AttachmentRules.contentDisposition(filename: filename, mediaType: mediaType),
        ]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = mediaType
        switch ByteRange.resolve(request.headers[.range], size: size) {
        case .whole:
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: try await body(sha256, range: nil, from: blobs, context: context))
        case .partial(let range):
            headers[.contentRange] = "bytes \(range.first)-\(range.last)/\(size)"
            headers[.contentLength] = String(range.length)
            return Response(status: .partialContent, headers: headers, body: try await body(sha256, range: range.first...range.last, from: blobs, context: context))
        case .unsatisfiable:
            throw AcademyError.rangeNotSatisfiable(size: size)
        }
    }

    /// The bytes streamed from the bucket as they arrive, or from the file on this disk.
    private static func body(_ sha256: String, range: ClosedRange<Int>?, from blobs: BlobStore, context: AppRequestContext) async throws -> ResponseBody {
        if let stream = try await blobs.stream(sha256, range: range) {
            return ResponseBody(asyncSequence: stream)
        }
        let files = FileIO(threadPool: .singleton)
        let path = blobs.path(for: sha256).string
        if let range {
            return try await files.loadFile(path: path, range: range, context: context)
        }
        return try await files.loadFile(path: path, context: context)
    }

    /// A question's image.
    package static func image(_ image: QuestionImage, from blobs: BlobStore, request: Request, context: AppRequestContext) async throws -> Response {
        try await file(image.sha256, size: image.size, mediaType: image.mediaType, filename: image.name, from: blobs, request: request, context: context)
    }

    /// A question image by the SHA-256 a path names: any other text is no image (404), checked
    /// before it reaches a query.
    package static func imageHash(_ raw: String?) throws(AcademyError) -> String {
        guard let raw, AttachmentRules.isSHA256(raw) else { throw .notFound("No such image.") }
        return raw
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
