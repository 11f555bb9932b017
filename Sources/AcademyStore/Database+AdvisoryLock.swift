import PostgresNIO

/// Session advisory locks, each held on a connection of its own while the work under it uses
/// others, released when the work returns or throws (and by the server if the connection dies).
extension Database {
    /// Runs `body` alone unless someone holds the lock on `key`: nil then, without waiting.
    func ifFreeWhileHoldingAdvisoryLock<Result: Sendable>(
        _ key: Int64, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        try await withConnection { connection in
            guard try await connection.rows("SELECT pg_try_advisory_lock(\(key))", as: Bool.self)[0] else { return nil }
            return try await Self.releasing("SELECT pg_advisory_unlock(\(key))", on: connection, after: body)
        }
    }

    /// Runs `body` beside other shared holders of the lock on `key`, once no one holds it alone.
    func whileHoldingSharedAdvisoryLock<Result: Sendable>(
        _ key: Int64, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.run("SELECT pg_advisory_lock_shared(\(key))")
            return try await Self.releasing("SELECT pg_advisory_unlock_shared(\(key))", on: connection, after: body)
        }
    }

    private static func releasing<Result: Sendable>(
        _ unlock: PostgresQuery, on connection: DatabaseConnection, after body: @Sendable () async throws -> Result
    ) async throws -> Result {
        do {
            let result = try await body()
            try await connection.run(unlock)
            return result
        } catch {
            _ = try? await connection.run(unlock)
            throw error
        }
    }
}
