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
