import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement whose rows nobody needs, draining them: PostgresNIO reports a statement's
    /// error (a unique violation, a timeout) only to whoever reads its rows.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// Every row of a query, decoded.
    func rows<each Column: PostgresDecodable>(
        _ query: PostgresQuery,
        as types: (repeat each Column).Type,
        logger: Logger
    ) async throws -> [(repeat each Column)] {
        var rows: [(repeat each Column)] = []
        for try await row in try await self.query(query, logger: logger).decode(types) {
            rows.append(row)
        }
        return rows
    }
}

extension PSQLError {
    /// The SQLSTATE the server reported, e.g. `23505` for a unique violation.
    var sqlState: String? {
        serverInfo?[.sqlState]
    }

    var isUniqueViolation: Bool {
        sqlState == "23505"
    }
}
