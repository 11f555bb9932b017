import AcademyCore
public import Hummingbird

/// Applies the configured body limit to the request. A declared `Content-Length` over the limit
/// is refused before a byte of the body is read; a chunked body is cut off while it is collected.
public struct RequestLimitsMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let maxBodyBytes: Int

    public init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw AcademyError.payloadTooLarge(limit: maxBodyBytes)
        }
        return try await next(request, context)
    }
}
