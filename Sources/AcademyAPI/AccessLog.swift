import Hummingbird
import Logging

/// One line per request once it is answered: method, path, status and duration, with the
/// request's id and user from its logger. At `debug`, because a line per request is what the
/// reverse proxy's access log is for and writing it here cost a quarter of a cheap request's time
/// (measured with `Scripts/bench --hot-paths`); a request slower than `slowRequestThreshold` is
/// logged at `notice`, so that an operator at the default level still sees where time goes.
enum AccessLog {
    static let slowRequestThreshold: Duration = .seconds(1)

    static func write(_ request: Request, status: HTTPResponse.Status, elapsed: Duration, logger: Logger) {
        let level: Logger.Level = elapsed >= slowRequestThreshold ? .notice : .debug
        guard logger.logLevel <= level else { return }
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        logger.log(level: level, "Answered", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status.code),
            "duration_ms": .stringConvertible(milliseconds),
        ])
    }
}
