import AcademyCore
public import Hummingbird
import Logging

/// One line per request once it is answered: method, path, status and duration, with the
/// request's id and user from its logger. At `debug`, because a line per request is what the
/// reverse proxy's access log is for and writing it here cost a quarter of a cheap request's time
/// (measured with `Scripts/bench --hot-paths`); a request slower than `slowRequestThreshold` is
/// logged at `notice`, so that an operator at the default level still sees where time goes.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    static let slowRequestThreshold: Duration = .seconds(1)

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let level: Logger.Level = elapsed >= Self.slowRequestThreshold ? .notice : .debug
        if context.logger.logLevel <= level {
            let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            context.logger.log(level: level, "Answered", metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible(milliseconds),
            ])
        }
        return response
    }
}
