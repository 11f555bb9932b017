import AcademyCore
import HTTPTypes
import Hummingbird
import Logging

/// What every request meets first: it gets its id, it is counted and timed, any error its
/// handler throws becomes a problem, and its answer is logged. One middleware for the four, so
/// that a request pays one async frame and one copy of its context for them, not four: the
/// difference showed in the profile of a request refused before routing, which meets nothing
/// else. Made once per router; `AdmissionResponder` answers a refused request through it too, so
/// that the refusal has the shape, headers and counting of any routed answer.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    private let metrics = RequestMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        Self.identify(request, context: &context)
        let started = ContinuousClock.now
        metrics.began()
        var response: Response
        var failed = false
        do {
            response = try await next(request, context)
        } catch {
            failed = true
            response = ProblemMapping.problem(for: error, request: request, context: context).response()
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.requestID] = context.requestID
        let elapsed = ContinuousClock.now - started
        metrics.answered(route: context.endpointPath, method: request.method, status: response.status, failed: failed, after: elapsed)
        AccessLog.write(request, status: response.status, elapsed: elapsed, logger: context.logger)
        return response
    }

    /// The client's `X-Request-Id` when it is safe to echo (then every log line of the request
    /// carries it), else the id Hummingbird gave the request and already put in its logger:
    /// a second id in the logger's metadata cost every request a copy of the logger.
    private static func identify(_ request: Request, context: inout Context) {
        if let sent = request.headers.value(of: .requestID), RequestID.isAcceptable(sent) {
            context.requestID = sent
            context.logger[metadataKey: "hb.request.id"] = .string(sent)
        } else {
            context.requestID = context.id
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
