public import Logging
public import PostgresNIO

/// A pooled connection as the repositories use it: with the database's logger attached, so no
/// query call has to pass one, and with rows always read (see `run`).
public struct DatabaseConnection: Sendable {
    public let underlying: PostgresConnection
    public let logger: Logger

    /// Runs a statement whose rows nobody needs, draining them: PostgresNIO reports a statement's
    /// error (a unique violation, a timeout) only to whoever reads its rows.
    public func run(_ query: PostgresQuery) async throws {
        _ = try await underlying.query(query, logger: logger).collect()
    }

    /// Every row of a query, decoded.
    public func rows<each Column: PostgresDecodable>(
        _ query: PostgresQuery,
        as types: (repeat each Column).Type
    ) async throws -> [(repeat each Column)] {
        var rows: [(repeat each Column)] = []
        for try await row in try await underlying.query(query, logger: logger).decode(types) {
            rows.append(row)
        }
        return rows
    }

    /// Runs `process` between BEGIN and COMMIT (ROLLBACK when it throws), on this connection.
    public func withTransaction<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ process: (DatabaseConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let logger = self.logger
        return try await underlying.withTransaction(logger: logger) { connection in
            try await process(DatabaseConnection(underlying: connection, logger: logger))
        }
    }

    /// The raw row sequence, for callers that stream or read rows themselves.
    public func query(_ query: PostgresQuery, logger: Logger? = nil) async throws -> PostgresRowSequence {
        try await underlying.query(query, logger: logger?.forDatabaseDriver ?? self.logger)
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
