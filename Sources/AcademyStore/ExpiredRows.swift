import PostgresNIO

/// Rows kept only for a while: throttling events, failed logins and remembered idempotent
/// answers. Lookups read only their window, so old rows cost space, not answers: they go here.
public struct ExpiredRows: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Deletes what is older than every window that reads it (a day: the longest throttling window
    /// and the idempotency period); returns how many rows went.
    public func prune() async throws -> Int {
        try await database.rows(
            """
            WITH throttled AS (DELETE FROM throttle_events WHERE occurred_at < now() - interval '1 day' RETURNING 1),
                 failed AS (DELETE FROM login_failures WHERE failed_at < now() - interval '1 day' RETURNING 1),
                 remembered AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '1 day' RETURNING 1)
            SELECT ((SELECT count(*) FROM throttled) + (SELECT count(*) FROM failed) + (SELECT count(*) FROM remembered))::int
            """,
            as: Int.self
        )[0]
    }
}
