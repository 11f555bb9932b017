import AcademyCore
import AcademyStore
import AcademyTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite struct MigratorTests {
    static let first = Migration(version: 1, name: "notes", sql: "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);")
    static let second = Migration(version: 2, name: "note_index", sql: """
        -- Two statements in one file; the index name has a semicolon inside quotes.
        ALTER TABLE notes ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
        CREATE INDEX "notes;created" ON notes (created_at);
        """)

    func migrator(_ database: Database, _ migrations: [Migration]) -> Migrator {
        Migrator(database: database, migrations: migrations)
    }

    func tables(_ database: Database) async throws -> [String] {
        try await database.withConnection { connection in
            var names: [String] = []
            let rows = try await connection.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", logger: TestDatabases.logger
            )
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    @Test func appliesInOrderAndThenNothing() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                let migrator = migrator(database, [Self.first, Self.second])
                #expect(try await migrator.status().pending.map(\.version) == [1, 2])
                #expect(try await migrator.migrate() == [1, 2])
                #expect(try await migrator.migrate() == [])
                let status = try await migrator.status()
                #expect(status.isCurrent)
                #expect(status.applied.map(\.name) == ["notes", "note_index"])
                #expect(try await tables(database) == ["academy_migrations", "notes"])
            }
        }
    }

    @Test func concurrentStartsApplyEachMigrationOnce() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                let migrations = [Self.first, Self.second]
                let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await Migrator(database: database, migrations: migrations).migrate() }
                    }
                    var all: [Int] = []
                    for try await versions in group { all += versions }
                    return all
                }
                #expect(applied.sorted() == [1, 2])
                let count = try await database.withConnection { connection in
                    let rows = try await connection.query("SELECT count(*)::int FROM academy_migrations")
                    var count = 0
                    for try await value in rows.decode(Int.self) { count = value }
                    return count
                }
                #expect(count == 2)
            }
        }
    }

    @Test func anEditedAppliedMigrationStopsEverything() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                try await migrator(database, [Self.first]).migrate()
                let edited = Migration(version: 1, name: "notes", sql: Self.first.sql + "\n-- edited")
                await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "notes")) {
                    try await migrator(database, [edited, Self.second]).migrate()
                }
                await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "notes")) {
                    try await migrator(database, [edited]).status()
                }
                // Nothing after the mismatch was applied.
                #expect(try await tables(database) == ["academy_migrations", "notes"])
            }
        }
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                let broken = Migration(version: 3, name: "broken", sql: "CREATE TABLE half (x int);\nCREATE TABLE notes (oops);")
                await #expect {
                    try await migrator(database, [Self.first, broken]).migrate()
                } throws: { error in
                    guard case .failed(let version, _, let statement, _) = error as? MigrationError else { return false }
                    return version == 3 && statement == 2
                }
                let status = try await migrator(database, [Self.first, broken]).status()
                #expect(status.applied.map(\.version) == [1])
                #expect(status.pending.map(\.version) == [3])
                #expect(try await tables(database) == ["academy_migrations", "notes"])
                // The lock was released: another run can proceed (and fail the same way).
                await #expect(throws: MigrationError.self) {
                    try await migrator(database, [Self.first, broken]).migrate()
                }
            }
        }
    }

    @Test func aDatabaseFromANewerBuildIsRefused() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                try await migrator(database, [Self.first, Self.second]).migrate()
                await #expect(throws: MigrationError.unknownApplied(version: 2, name: "note_index")) {
                    try await migrator(database, [Self.first]).migrate()
                }
            }
        }
    }

    @Test func bundledMigrationsApplyToAnEmptyDatabase() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                let bundled = try Migration.bundled()
                #expect(!bundled.isEmpty)
                #expect(bundled.map(\.version) == Array(1...bundled.count))
                #expect(try await migrator(database, bundled).migrate() == bundled.map(\.version))
            }
        }
    }

    @Test func migrationFilesMustBeNumbered() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("create_things.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("create_things.sql")) {
            try Migration.load(from: folder)
        }
    }
}

@Suite struct DatabaseTests {
    @Test func anUnreachableDatabaseAnswersUnavailableInsteadOfHanging() async throws {
        let unreachable = try DatabaseURL("postgres://nobody:pw@127.0.0.1:1/none?sslmode=disable")
        let started = ContinuousClock.now
        _ = try await TestDatabases.withDatabase(unreachable, leaseTimeout: .milliseconds(500)) { database in
            await #expect {
                try await database.withConnection { connection in
                    try await connection.query("SELECT 1").collect().count
                }
            } throws: { error in
                guard case .unavailable = error as? AcademyError else { return false }
                return true
            }
        }
        // Generous bound: the point is that it returns at all, not how fast.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    /// While the database is down, the first waits learn it from a probe within about half a
    /// second, and every later request is answered at once, not after the lease timeout.
    @Test func anUnreachableDatabaseIsAnsweredAtOnceOnceKnown() async throws {
        let unreachable = try DatabaseURL("postgres://nobody:pw@127.0.0.1:1/none?sslmode=disable")
        _ = try await TestDatabases.withDatabase(unreachable, leaseTimeout: .seconds(30), probingReachability: true) { database in
            func attempt() async -> Duration {
                let started = ContinuousClock.now
                await #expect {
                    try await database.withConnection { connection in try await connection.query("SELECT 1").collect().count }
                } throws: { error in
                    guard case .unavailable(let reason, _) = error as? AcademyError else { return false }
                    return reason == "The database cannot be reached."
                }
                return ContinuousClock.now - started
            }
            #expect(await attempt() < .seconds(5))
            for _ in 0..<20 {
                #expect(await attempt() < .milliseconds(100))
            }
        }
    }

    @Test func transactionErrorsComeOutUnwrapped() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            try await TestDatabases.withDatabase(url) { database in
                struct Refusal: Error, Equatable {}
                await #expect(throws: Refusal()) {
                    try await database.withTransaction { _ in throw Refusal() }
                }
            }
        }
    }
}
