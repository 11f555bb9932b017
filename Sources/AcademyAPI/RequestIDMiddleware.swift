import AcademyCore
import HTTPTypes
public import Hummingbird
import Logging

/// Gives every request an id (the client's `X-Request-Id` when it is safe to echo), puts it in the
/// request's logger so that every log line of the request carries it, and returns it.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = RequestID.accepting(request.headers[.requestID])
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
