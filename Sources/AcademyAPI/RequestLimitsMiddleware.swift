public import Hummingbird

/// Applies the configured body limit to every body decoded as JSON: a declared `Content-Length`
/// over it is refused before a byte is read (StrictRequestDecoder), a chunked body is cut off
/// while it is collected. Uploads, which stream to disk, count against their own limit.
public struct RequestLimitsMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let maxBodyBytes: Int

    public init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        return try await next(request, context)
    }
}
