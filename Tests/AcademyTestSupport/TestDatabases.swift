public import AcademyStore
import Foundation
public import Logging
import PostgresNIO

/// Real PostgreSQL databases for tests. The server comes from `TEST_DATABASE_URL` (set by
/// Scripts/test); each test gets a database of its own, cloned from a template migrated once per
/// test process, and dropped afterwards, so tests run in parallel without seeing each other.
public enum TestDatabases {
    public static let logger: Logger = {
        var logger = Logger(label: "academy-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }()

    /// The maintenance database on the test server, as a role that may create databases.
    public static func serverURL() throws -> DatabaseURL {
        guard let raw = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] else {
            throw TestDatabaseError("TEST_DATABASE_URL is not set: run the tests with Scripts/test, which starts PostgreSQL")
        }
        return try DatabaseURL(raw)
    }

    /// A fresh, migrated database for `body`, dropped when it returns.
    public static func withMigratedDatabase<Result>(_ body: (DatabaseURL) async throws -> Result) async throws -> Result {
        let url = try await TemplateDatabase.shared.clone()
        return try await dropping(url, after: body)
    }

    /// A fresh, empty database for `body` (migration tests start from nothing), dropped afterwards;
    /// on `server` (the maintenance database of another server) when given.
    public static func withEmptyDatabase<Result>(on server: DatabaseURL? = nil, _ body: (DatabaseURL) async throws -> Result) async throws -> Result {
        let server = try server ?? serverURL()
        let url = server.replacingDatabase(with: uniqueName(prefix: "t_empty"))
        try await admin(of: server) { try await $0.create(database: url.database, template: "template0") }
        return try await dropping(url, on: server, after: body)
    }

    /// The maintenance database of a second cluster Scripts/test starts empty (nothing of the
    /// suite's template or roles in it but the test role): where a backup is restored.
    public static func freshServerURL() throws -> DatabaseURL {
        guard let raw = ProcessInfo.processInfo.environment["TEST_FRESH_DATABASE_URL"] else {
            throw TestDatabaseError("TEST_FRESH_DATABASE_URL is not set: run the tests with Scripts/test, which starts a second, empty cluster")
        }
        return try DatabaseURL(raw)
    }

    /// A pooled `Database` on `url` while `body` runs.
    public static func withDatabase<Result: Sendable>(
        _ url: DatabaseURL,
        leaseTimeout: Duration = .seconds(10),
        probingReachability: Bool = false,
        _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: logger)
        let reachability = probingReachability ? DatabaseReachability(configuration: try url.connectionConfiguration(), logger: logger) : nil
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(Database(
                client: client, maximumConnections: 20, leaseTimeout: leaseTimeout, reachability: reachability, logger: logger
            ))
        }
    }

    static func uniqueName(prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
    }

    private static func dropping<Result>(_ url: DatabaseURL, on server: DatabaseURL? = nil, after body: (DatabaseURL) async throws -> Result) async throws -> Result {
        let server = try server ?? serverURL()
        do {
            let result = try await body(url)
            try await admin(of: server) { try await $0.drop(database: url.database) }
            return result
        } catch {
            try? await admin(of: server) { try await $0.drop(database: url.database) }
            throw error
        }
    }

    static func admin<Result: Sendable>(of server: DatabaseURL? = nil, _ body: @escaping @Sendable (AdminConnection) async throws -> Result) async throws -> Result {
        do {
            return try await withDatabase(try server ?? serverURL()) { database in
                try await database.withConnection { connection in
                    try await body(AdminConnection(connection: connection.underlying))
                }
            }
        } catch let error as PSQLError {
            // PostgresNIO hides the server's message from `description`; a failing test needs it.
            throw TestDatabaseError("PostgreSQL: \(error.serverInfo?[.sqlState] ?? "-") \(error.serverInfo?[.message] ?? String(reflecting: error.code))")
        }
    }
}

/// Statements on the maintenance database. Database names are generated here, never taken from
/// input, and quoted as identifiers.
struct AdminConnection: Sendable {
    let connection: PostgresConnection

    func create(database: String, template: String) async throws {
        // Cloning fails while anything else is connected to the template; a closing pool may
        // linger for a moment, so retry briefly. FILE_COPY copies the template's files and logs
        // one record, where the default (WAL_LOG) writes the whole database to the WAL: four
        // hundred clones of it were gigabytes for the test cluster's streaming replica to
        // replay, which then lagged minutes behind the database ReadReplicaTests had just made.
        var attempt = 0
        while true {
            do {
                _ = try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE DATABASE \(quoted(database)) TEMPLATE \(quoted(template)) STRATEGY FILE_COPY"),
                    logger: TestDatabases.logger
                ).collect()
                return
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 50 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func drop(database: String) async throws {
        _ = try await connection.query(
            PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(quoted(database)) WITH (FORCE)"),
            logger: TestDatabases.logger
        ).collect()
    }

    private func quoted(_ identifier: String) -> String {
        "\"\(identifier.replacingOccurrences(of: "\"", with: "\"\""))\""
    }
}

/// The migrated template, created once per test process by whichever test asks first; the others
/// wait for that same creation (an actor alone would let every early caller build its own, since
/// it is re-entered at each `await`). Clones then run in parallel: PostgreSQL copies a template
/// for several `CREATE DATABASE`s at once, as long as nobody is connected to it.
actor TemplateDatabase {
    static let shared = TemplateDatabase()
    private var creation: Task<String, any Error>?

    func clone() async throws -> DatabaseURL {
        let server = try TestDatabases.serverURL()
        let template = try await templateName(server: server)
        let name = TestDatabases.uniqueName(prefix: "t")
        try await TestDatabases.admin { try await $0.create(database: name, template: template) }
        return server.replacingDatabase(with: name)
    }

    private func templateName(server: DatabaseURL) async throws -> String {
        if let creation { return try await creation.value }
        let creation = Task {
            let name = TestDatabases.uniqueName(prefix: "academy_template")
            try await TestDatabases.admin { try await $0.create(database: name, template: "template0") }
            _ = try await TestDatabases.withDatabase(server.replacingDatabase(with: name)) { database in
                try await Migrator(database: database, migrations: try Migration.bundled()).migrate()
            }
            return name
        }
        self.creation = creation
        return try await creation.value
    }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
