public import Foundation
import PostgresNIO

/// Answers remembered per caller and Idempotency-Key (see migration 0012).
public struct IdempotencyRepository: Sendable {
    public enum Claim: Sendable, Equatable {
        /// The key is new (or expired): this request runs, and its answer is stored.
        case claimed
        /// The same request was answered before: this is its answer.
        case replay(status: Int, contentType: String?, location: String?, body: [UInt8])
        /// The key was used for a different request.
        case usedForAnotherRequest
        /// The first request with this key is still running.
        case inProgress
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Claims `key` for this request, or says what became of the earlier one.
    public func claim(caller: String, key: String, fingerprint: String) async throws -> Claim {
        return try await database.withTransaction { connection in
            try await connection.run(
                """
                DELETE FROM idempotency_keys WHERE caller = \(caller) AND key = \(key)
                  AND (created_at < now() - interval '24 hours' OR (status IS NULL AND created_at < now() - interval '5 minutes'))
                """
            )
            let claimed = try await connection.rows(
                """
                INSERT INTO idempotency_keys (caller, key, fingerprint) VALUES (\(caller), \(key), \(fingerprint))
                ON CONFLICT DO NOTHING RETURNING true
                """,
                as: Bool.self
            )
            if !claimed.isEmpty { return .claimed }
            let (stored, status, contentType, location, body) = try await connection.rows(
                "SELECT fingerprint, status, content_type, location, body FROM idempotency_keys WHERE caller = \(caller) AND key = \(key)",
                as: (String, Int?, String?, String?, ByteBuffer?).self
            )[0]
            guard stored == fingerprint else { return .usedForAnotherRequest }
            guard let status else { return .inProgress }
            return .replay(status: status, contentType: contentType, location: location, body: body.map { Array(buffer: $0) } ?? [])
        }
    }

    /// Stores the answer of a claimed request.
    public func complete(caller: String, key: String, status: Int, contentType: String?, location: String?, body: [UInt8]) async throws {
        try await database.run(
            """
            UPDATE idempotency_keys SET status = \(status), content_type = \(contentType), location = \(location), body = \(ByteBuffer(bytes: body))
            WHERE caller = \(caller) AND key = \(key)
            """
        )
    }

    /// Gives up a claim whose request failed: a retry runs it again.
    public func release(caller: String, key: String) async throws {
        try await database.run("DELETE FROM idempotency_keys WHERE caller = \(caller) AND key = \(key) AND status IS NULL")
    }
}
