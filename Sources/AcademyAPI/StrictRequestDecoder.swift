import AcademyCore
public import Hummingbird
import Foundation
import NIOCore

/// `request.decode(as:context:)` for every JSON endpoint: the body must be declared JSON (415),
/// fit the configured limit (413), parse (400), and match the type exactly, unknown fields
/// included (422).
public struct StrictRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try StrictJSONDecoder().decode(type, from: try await document(of: request, context: context))
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
        return try StrictJSONDecoder().decode(type, from: base.applying(mergePatch: patch))
    }

    /// The body as a JSON tree, after the media type (415), size (413) and syntax (400) checks.
    private func document(of request: Request, context: some RequestContext) async throws -> JSONValue {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw AcademyError.unsupportedMediaType(expected: "application/json")
        }
        let body = try await request.collectedBody(upTo: context.maxUploadSize)
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
    /// The whole body, at most `limit` bytes: a declared length over it is refused before a byte
    /// is read, a longer body as soon as it passes the limit (413 both).
    func collectedBody(upTo limit: Int) async throws -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw AcademyError.payloadTooLarge(limit: limit)
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw AcademyError.payloadTooLarge(limit: limit)
        }
    }

    /// A PATCH: the body merged into `current` (see StrictRequestDecoder), then checked whole by
    /// `validate`, whose result is the change to write. A failed `If-Match` is reported only then:
    /// the handler has already authorized the caller, so a caller who may not change the resource
    /// learns that (401, 403, 404) and never whether their tag is current (RFC 9110 13.2.1); a bad
    /// body is refused for its own sake (400, 422); and nothing is written past a failed precondition,
    /// since the change only exists once it passed.
    func mergePatch<Document: Decodable, Change>(
        _ type: Document.Type, over current: some Encodable, context: AppRequestContext,
        validate: (Document) async throws -> Change
    ) async throws -> Change {
        let document = try await context.requestDecoder.decode(type, mergePatchOf: self, over: current, context: context)
        let change = try await validate(document)
        if let failedPrecondition = context.failedPrecondition { throw failedPrecondition }
        return change
    }
}
