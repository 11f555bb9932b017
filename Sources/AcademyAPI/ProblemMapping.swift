import AcademyCore
import AcademyStore
import HTTPTypes
package import Hummingbird
import Logging
import NIOCore
import PostgresNIO

/// Turns every error a handler throws into an RFC 9457 problem, in one place (`EdgeMiddleware`
/// answers with it; the web pages render the same problem as HTML). Errors the client caused are
/// answered plainly; anything else is logged with the request id and answered with a 500 that
/// carries no internals.
package enum ProblemMapping {
    package typealias Context = AppRequestContext

    /// The one mapping from any error to a problem.
    package static func problem(for error: any Error, request: Request, context: Context) -> ProblemDetails {
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

    private static func unexpected(_ error: any Error, context: Context) -> ProblemDetails {
        context.logger.error("Unexpected error", metadata: ["error": "\(Database.loggable(error))"])
        return ProblemDetails(
            status: .internalServerError,
            detail: "Something went wrong on our side. Quote the request id \(context.requestID) when you report it.",
            requestID: context.requestID
        )
    }
}
