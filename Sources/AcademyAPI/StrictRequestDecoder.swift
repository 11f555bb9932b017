import AcademyCore
public import Hummingbird
import Foundation
import NIOCore

/// `request.decode(as:context:)` for every JSON endpoint: the body must be declared JSON (415),
/// fit the configured limit (413), parse (400), and match the type exactly, unknown fields
/// included (422). A failed `If-Match` (412) is reported here, once the body proved well-formed:
/// every PATCH handler reads its body right after authorizing the caller, so a caller who may not
/// change the resource learns that (401, 403, 404) and never whether their tag is current (RFC 9110
/// 13.2.1), and nothing is changed past a failed precondition.
public struct StrictRequestDecoder: RequestDecoder {
    let failedPrecondition: AcademyError?

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let value = try StrictJSONDecoder().decode(type, from: try await document(of: request, context: context))
        if let failedPrecondition { throw failedPrecondition }
        return value
    }

    /// `PATCH` bodies are JSON Merge Patches (RFC 7396) of the resource's editable fields: the
    /// patch is applied to `current` (as a GET-like document of those fields), and the result is
    /// decoded and then validated as a whole, exactly like a new resource. A member left out stays
    /// as it is, a member given as `null` is removed (cleared, or back to its default), an object
    /// (a translation, the enrolment settings) is merged member by member.
    public func decode<T: Decodable>(
        _ type: T.Type, mergePatchOf request: Request, over current: some Encodable, context: some RequestContext
    ) async throws -> T {
        let patch = try await document(of: request, context: context)
        guard case .object = patch else {
            throw AcademyError.validationFailed([FieldError(field: "", message: "must be a JSON object: a merge patch of the resource (RFC 7396)")])
        }
        let base = try StrictJSONDecoder.document(Array(try APIJSON.sharedEncoder.encode(current)))
        let value = try StrictJSONDecoder().decode(type, from: base.applying(mergePatch: patch))
        if let failedPrecondition { throw failedPrecondition }
        return value
    }

    /// The body as a JSON tree, after the media type (415), size (413) and syntax (400) checks.
    private func document(of request: Request, context: some RequestContext) async throws -> JSONValue {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw AcademyError.unsupportedMediaType(expected: "application/json")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > context.maxUploadSize {
            throw AcademyError.payloadTooLarge(limit: context.maxUploadSize)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw AcademyError.payloadTooLarge(limit: context.maxUploadSize)
        }
        return try StrictJSONDecoder.document(Array(body.readableBytesView))
    }

    /// `application/json` or any `application/*+json`, with or without parameters.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}

extension Request {
    /// The body of a PATCH, as a merge patch of `current` (see StrictRequestDecoder).
    func decode<T: Decodable>(_ type: T.Type, mergePatchOver current: some Encodable, context: AppRequestContext) async throws -> T {
        try await context.requestDecoder.decode(type, mergePatchOf: self, over: current, context: context)
    }
}
