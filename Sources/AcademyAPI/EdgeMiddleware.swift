import Hummingbird

/// The middleware every request meets first, in this order: its id, its metrics, its access-log
/// line, and the mapping of any error to a problem. Made once per router, so that a request
/// refused before it is routed (`AdmissionResponder`) is answered by these same four, counted
/// in the same metrics, in the same shape as any routed answer.
struct EdgeMiddleware: Sendable {
    let requestID = RequestIDMiddleware()
    let metrics = RequestMetricsMiddleware()
    let accessLog = AccessLogMiddleware()
    let problem = ProblemMiddleware()

    func add(to router: AcademyRouter) {
        router.add(middleware: requestID)
        router.add(middleware: metrics)
        router.add(middleware: accessLog)
        router.add(middleware: problem)
    }

    /// Answers `request` with `answer` inside these four alone, without a route.
    func respond(
        to request: Request, context: AppRequestContext,
        answer: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        try await requestID.handle(request, context: context) { request, context in
            try await metrics.handle(request, context: context) { request, context in
                try await accessLog.handle(request, context: context) { request, context in
                    try await problem.handle(request, context: context, next: answer)
                }
            }
        }
    }
}
