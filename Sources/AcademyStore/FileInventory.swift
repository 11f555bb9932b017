import PostgresNIO

/// The stored files as the database knows them: which there are (for a backup), which are still
/// referred to (for `academy blobs gc`), and whether there is anything at all (before a restore).
public struct FileInventory: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Every stored file the database knows of (attachments, question images, imported files).
    public func storedFiles() async throws -> [(sha256: String, size: Int)] {
        try await database.rows("SELECT sha256, size FROM blobs ORDER BY sha256", as: (String, Int64).self)
            .map { (sha256: $0.0, size: Int($0.1)) }
    }

    /// Every file something refers to: a lesson's attachment, or an image of a bank question or of
    /// any version of a quiz (an attempt shows the version it was started on, whatever came after).
    public func referencedFiles() async throws -> Set<String> {
        Set(try await database.rows("\(unescaped: Self.referencedQuery)", as: String.self))
    }

    /// Forgets the rows of those of `hashes` that nothing refers to, the references read again in
    /// the same statement; returns those something has come to refer to meanwhile (to be kept).
    public func forgetUnreferenced(_ hashes: [String]) async throws -> Set<String> {
        Set(try await database.rows(
            """
            WITH referenced AS (\(unescaped: Self.referencedQuery)),
            forgotten AS (DELETE FROM blobs WHERE sha256 = ANY(\(hashes)) AND sha256 NOT IN (SELECT sha256 FROM referenced))
            SELECT sha256 FROM referenced WHERE sha256 = ANY(\(hashes))
            """,
            as: String.self
        ))
    }

    /// Never NULL: one NULL would make every `NOT IN` above false and keep every row.
    static let referencedQuery = """
        SELECT sha256 FROM (
            SELECT sha256 FROM lesson_attachments
            UNION SELECT jsonb_path_query(question, 'strict $.**.images[*].sha256', '{}', true) #>> '{}' FROM bank_questions
            UNION SELECT jsonb_path_query(content, 'strict $.**.images[*].sha256', '{}', true) #>> '{}' FROM quiz_versions
        ) AS referenced (sha256) WHERE sha256 IS NOT NULL
        """

    /// Runs a backup while `academy blobs gc` may not remove files: backups share the lock (they
    /// may overlap) and wait for a collection under way to finish.
    public func whileBackingUp<Result: Sendable>(_ backup: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await database.whileHoldingSharedAdvisoryLock(Self.filesLockKey, backup)
    }

    /// Runs a collection unless a backup (or another collection) holds the lock: nil then.
    public func whileCollecting<Result: Sendable>(_ collect: @escaping @Sendable () async throws -> Result) async throws -> Result? {
        try await database.ifFreeWhileHoldingAdvisoryLock(Self.filesLockKey, collect)
    }

    /// Arbitrary, fixed, and neither the migrator's nor the sweeper's.
    static let filesLockKey: Int64 = 0x4143_4144_424C_4F42

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
