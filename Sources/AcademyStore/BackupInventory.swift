import PostgresNIO

/// What a backup reads from the database beside the dump, and what a restore checks first.
public struct BackupInventory: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Every stored file the database knows of (attachments, question images, imported files).
    public func storedFiles() async throws -> [(sha256: String, size: Int)] {
        try await database.rows("SELECT sha256, size FROM blobs ORDER BY sha256", as: (String, Int64).self)
            .map { (sha256: $0.0, size: Int($0.1)) }
    }

    /// Whether the database holds no table, view or sequence of its own: the only kind a backup is
    /// restored into, so that a restore never mixes with (or overwrites) an academy.
    public func holdsNothing() async throws -> Bool {
        try await database.rows(
            """
            SELECT count(*)::int FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
              AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            """,
            as: Int.self
        ).first == 0
    }
}
