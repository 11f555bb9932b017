import AcademyCore
public import Hummingbird
import Foundation
import NIOCore

/// `request.decode(as:context:)` for every JSON endpoint: the body must be declared JSON (415),
/// fit the configured limit (413), parse (400), and match the type exactly, unknown fields
/// included (422).
public struct StrictRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
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
        return try StrictJSONDecoder().decode(type, from: Array(body.readableBytesView))
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
