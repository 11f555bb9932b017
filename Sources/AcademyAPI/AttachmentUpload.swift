package import AcademyCore
package import AcademyServices
package import AcademyStore
package import Foundation
package import Hummingbird
import SystemPackage

/// A file attached to a lesson or a live session (its recording), streamed to the blob store
/// (never whole in memory), for the API and the web pages alike.
package struct AttachmentUpload: Sendable {
    let attachments: AttachmentRepository
    let blobs: BlobStore
    let maxUploadBytes: Int

    package init(attachments: AttachmentRepository, blobs: BlobStore, maxUploadBytes: Int) {
        self.attachments = attachments
        self.blobs = blobs
        self.maxUploadBytes = maxUploadBytes
    }

    /// The API's upload: the raw body is the file (`Content-Type` says what it is, `?filename=`
    /// names it), or a multipart form with one file part (its name says both).
    func attach(_ request: Request, toItem itemID: UUID) async throws -> Attachment {
        let named = try request.uri.queryParameters.get("filename").map { raw throws(AcademyError) in
            try AttachmentRules.filename(raw).mapError { AcademyError.validationFailed([$0]) }.get()
        }
        if let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data") {
            return try await attach(form: request, toItem: itemID, named: named)
        }
        return try await attach(raw: request, toItem: itemID, named: named)
    }

    /// The body is the file: `Content-Type` says what it is, `named` names it.
    private func attach(raw request: Request, toItem itemID: UUID, named: String?) async throws -> Attachment {
        guard let mediaType = AttachmentRules.mediaType(request.headers[.contentType]) else {
            throw AcademyError.unsupportedMediaType(expected: "one of \(AttachmentRules.acceptedTypes.joined(separator: ", "))")
        }
        guard let filename = named else {
            throw AcademyError.validationFailed([FieldError(field: "filename", message: "is required with a raw body")])
        }
        try checkDeclaredLength(request)
        let stored = try await blobs.store(request.body, limit: maxUploadBytes, mediaType: mediaType)
        return try await attachments.attach(lessonID: itemID, sha256: stored.sha256, size: stored.size, filename: filename, contentType: mediaType)
    }

    /// A multipart form with one file part, whose name says what the file is; `named` renames
    /// it. A web form's text fields (its token) go to `admit` before any byte of the file is kept.
    package func attach(
        form request: Request, toItem itemID: UUID, named: String? = nil, admit: (@Sendable ([String: String]) throws -> Void)? = nil
    ) async throws -> Attachment {
        guard let boundary = request.headers[.contentType].flatMap(MultipartStaging.boundary(of:)) else {
            throw AcademyError.unsupportedMediaType(expected: "multipart/form-data with a boundary")
        }
        try checkDeclaredLength(request)
        let staging = URL(fileURLWithPath: blobs.root.string).appendingPathComponent("tmp").appendingPathComponent("form-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        var multipart = MultipartStaging(maximumBytes: maxUploadBytes, maximumFiles: 1) { raw throws(AcademyError) in
            switch AttachmentRules.filename(raw) {
            case .success(let name): return name
            case .failure(let error): throw .validationFailed([error])
            }
        }
        multipart.admit = admit
        let files = try await multipart.stageForm(request.body, boundary: boundary, into: staging).files
        guard let (filename, url) = files.first else {
            throw AcademyError.validationFailed([FieldError(field: "file", message: "is required: send one file part with a filename")])
        }
        guard let mediaType = AttachmentRules.mediaType(forFileNamed: filename) else {
            throw AcademyError.unsupportedMediaType(expected: "a file named .\(AttachmentRules.typesByExtension.keys.sorted().joined(separator: ", ."))")
        }
        let stored = try await blobs.store(fileAt: url, limit: maxUploadBytes, mediaType: mediaType)
        return try await attachments.attach(
            lessonID: itemID, sha256: stored.sha256, size: stored.size, filename: named ?? filename, contentType: mediaType
        )
    }

    private func checkDeclaredLength(_ request: Request) throws {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxUploadBytes {
            throw AcademyError.payloadTooLarge(limit: maxUploadBytes)
        }
    }
}

extension AppDependencies {
    package var attachmentUpload: AttachmentUpload {
        AttachmentUpload(attachments: attachments, blobs: blobs, maxUploadBytes: configuration.maxUploadBytes)
    }
}
