public import Foundation
public import Logging
import PostgresNIO

/// Where a database stands against the migrations of this build.
public struct MigrationStatus: Sendable, Equatable {
    public struct Applied: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let appliedAt: Date
    }

    public var applied: [Applied]
    public var pending: [Migration]

    public var isCurrent: Bool { pending.isEmpty }
}

/// Applies migrations in order, each in its own transaction, under a PostgreSQL advisory lock so
/// that instances starting together apply every file exactly once; records each with its checksum
/// and refuses to go on when an applied file has changed.
public struct Migrator: Sendable {
    /// Arbitrary, fixed: every academy instance must take the same lock.
    static let advisoryLockKey: Int64 = 0x4143_4144_454D_5931

    public let database: Database
    public let migrations: [Migration]

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies what is pending; returns the versions it applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let migrations = self.migrations
        return try await database.withConnection { connection in
            try await connection.run("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            do {
                try await connection.run(
                    """
                    CREATE TABLE IF NOT EXISTS academy_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """
                )
                let status = try await Self.status(of: migrations, on: connection)
                var appliedVersions: [Int] = []
                for migration in status.pending {
                    try await Self.apply(migration, on: connection)
                    appliedVersions.append(migration.version)
                }
                try await connection.run("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                return appliedVersions
            } catch {
                // A failed migration leaves the session usable (its transaction was rolled back);
                // release the lock for the next instance. If the connection itself died, the
                // server has released the lock already.
                try? await connection.run("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                throw error
            }
        }
    }

    /// Applied and pending migrations, verifying the checksums of the applied ones.
    public func status() async throws -> MigrationStatus {
        let migrations = self.migrations
        return try await database.withConnection { connection in
            try await Self.status(of: migrations, on: connection)
        }
    }

    static func status(of migrations: [Migration], on connection: DatabaseConnection) async throws -> MigrationStatus {
        let tableRows = try await connection.query("SELECT to_regclass('academy_migrations') IS NOT NULL")
        var tableExists = false
        for try await exists in tableRows.decode(Bool.self) {
            tableExists = exists
        }
        guard tableExists else {
            return MigrationStatus(applied: [], pending: migrations)
        }

        let sources = migrations.map(\.sql)
        let checksumRows = try await connection.query(
            """
            SELECT encode(sha256(convert_to(source, 'UTF8')), 'hex')
            FROM unnest(\(sources)::text[]) WITH ORDINALITY AS file(source, position)
            ORDER BY position
            """
        )
        var checksums: [String] = []
        for try await checksum in checksumRows.decode(String.self) {
            checksums.append(checksum)
        }
        let expected = Dictionary(uniqueKeysWithValues: zip(migrations.map(\.version), zip(migrations, checksums)))

        var applied: [MigrationStatus.Applied] = []
        let appliedRows = try await connection.query(
            "SELECT version, name, checksum, applied_at FROM academy_migrations ORDER BY version"
        )
        for try await (version, name, checksum, appliedAt) in appliedRows.decode((Int, String, String, Date).self) {
            guard let (migration, fileChecksum) = expected[version] else {
                throw MigrationError.unknownApplied(version: version, name: name)
            }
            guard fileChecksum == checksum else {
                throw MigrationError.checksumMismatch(version: version, name: migration.name)
            }
            applied.append(.init(version: version, name: name, appliedAt: appliedAt))
        }
        let appliedVersions = Set(applied.map(\.version))
        return MigrationStatus(applied: applied, pending: migrations.filter { !appliedVersions.contains($0.version) })
    }

    static func apply(_ migration: Migration, on connection: DatabaseConnection) async throws {
        connection.logger.info("Applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
        let statements = SQLScript.statements(in: migration.sql)
        do {
            try await connection.withTransaction { connection in
                for (index, statement) in statements.enumerated() {
                    do {
                        // Statements come from files bundled with the build, never from a request.
                        try await connection.run(PostgresQuery(unsafeSQL: statement))
                    } catch let error as PSQLError {
                        throw MigrationError.failed(
                            version: migration.version, name: migration.name, statement: index + 1,
                            reason: error.serverInfo?[.message] ?? String(reflecting: error.code)
                        )
                    }
                }
                try await connection.run(
                    """
                    INSERT INTO academy_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex'))
                    """
                )
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }
}
