import AcademyCore
import AcademyStore
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import PostgresNIO

/// Turns every error a handler throws into an RFC 9457 problem response, in one place. Errors the
/// client caused are answered plainly; anything else is logged with the request id and answered
/// with a 500 that carries no internals. Every answer, problem or not, tells browsers not to sniff
/// its content type.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = problem(for: error, request: request, context: context).response()
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }

    /// The one mapping from any error to a problem; the web pages render the same problem as HTML.
    package func problem(for error: any Error, request: Request, context: Context) -> ProblemDetails {
        switch error {
        case let error as AcademyError:
            if case .unavailable(let reason, _) = error {
                context.logger.warning("Answering 503", metadata: ["reason": "\(reason)"])
            }
            return ProblemDetails(error, requestID: context.requestID)
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError {
                return problem(for: inner, request: request, context: context)
            }
            return unexpected(error, context: context)
        case is NIOTooManyBytesError:
            return ProblemDetails(.payloadTooLarge(limit: context.maxUploadSize), requestID: context.requestID)
        case let error as HTTPError where error.status == .notFound:
            return ProblemDetails(.notFound("Nothing is at \(request.uri.path)."), requestID: context.requestID)
        case let error as any HTTPResponseError where error.status.kind == .clientError:
            return ProblemDetails(status: error.status, detail: "The request was refused: \(error.status.reasonPhrase).", requestID: context.requestID)
        default:
            return unexpected(error, context: context)
        }
    }

    private func unexpected(_ error: any Error, context: Context) -> ProblemDetails {
        context.logger.error("Unexpected error", metadata: ["error": "\(Database.loggable(error))"])
        return ProblemDetails(
            status: .internalServerError,
            detail: "Something went wrong on our side. Quote the request id \(context.requestID) when you report it.",
            requestID: context.requestID
        )
    }
}
