public import Logging
import PostgresNIO

extension Database {
    /// PostgresNIO's debug description includes bound values, which may be secrets (password
    /// hashes, tokens): log only what the server said.
    public static func loggable(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let sqlState = error.serverInfo?[.sqlState] ?? "-"
            let message = error.serverInfo?[.message] ?? "-"
            return "PSQLError(code: \(error.code), sqlstate: \(sqlState), message: \(message))"
        }
        return String(reflecting: error)
    }
}

extension Logger {
    /// The logger to hand PostgresNIO: at trace it logs every message it sends and receives,
    /// rows included (password hashes, session-signing secrets, the certificate key), so the
    /// driver never logs below debug, whatever ACADEMY_LOG_LEVEL says.
    public var forDatabaseDriver: Logger {
        var capped = self
        capped.logLevel = Swift.max(logLevel, .debug)
        return capped
    }
}
