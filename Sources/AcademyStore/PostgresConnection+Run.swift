import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement whose rows nobody needs, draining them: PostgresNIO reports a statement's
    /// error (a unique violation, a timeout) only to whoever reads its rows.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }
}
