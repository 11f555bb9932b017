import AcademyStore
import Logging
import ServiceLifecycle

/// Brings the schema up to date when the server starts. While the database cannot be reached it
/// keeps trying with backoff (the server answers `/health/live` meanwhile and `/health/ready` says
/// 503); a migration that cannot be applied, or an applied file that changed, stops the server.
/// Then, with the schema in place, it seals any secret still stored plain (SecretsAtRest; a
/// missing or wrong secrets key stops the server here), and follows the changes other instances
/// make (signing keys, sessions) until shutdown.
struct DatabaseStartupService: NamedService {
    let migrator: Migrator
    let autoMigrate: Bool
    let sealSecrets: @Sendable () async throws -> Void
    let changes: ChangeFeed
    let logger: Logger

    static let maximumRetryDelay: Duration = .seconds(30)

    func run() async throws {
        if autoMigrate {
            try await migrateWithRetry()
            do {
                try await sealSecrets()
            } catch let error as SecretsAtRestError {
                logger.critical("Stored secrets stopped the start", metadata: ["reason": "\(error.description)"])
                throw error
            }
        } else {
            logger.info("ACADEMY_AUTO_MIGRATE=false: not migrating; /health/ready reports pending migrations, and `academy migrate` seals stored secrets")
        }
        // Returns at shutdown; returning earlier would end the service group.
        await changes.run()
    }

    private func migrateWithRetry() async throws {
        var delay: Duration = .seconds(1)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let applied = try await migrator.migrate()
                logger.info("Database schema is current", metadata: ["applied": "\(applied)"])
                return
            } catch let error as MigrationError {
                logger.critical("Migration stopped the start", metadata: ["reason": "\(error.description)"])
                throw error
            } catch {
                logger.error(
                    "Database not reachable; retrying",
                    metadata: ["retry_in": "\(delay)", "reason": "\(Database.loggable(error))"]
                )
                let wait = delay
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: wait)
                }
                delay = min(delay * 2, Self.maximumRetryDelay)
            }
        }
    }
}
