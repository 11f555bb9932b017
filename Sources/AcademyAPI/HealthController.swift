import AcademyCore
import AcademyStore
import Hummingbird

/// Liveness (the process answers) and readiness (the database answers and the schema is current),
/// for load balancers and orchestrators.
struct HealthController {
    let migrator: Migrator

    struct Health: ResponseEncodable {
        let status: String
        let appliedMigrations: Int?
    }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("health/live") { _, _ in
            Health(status: "live", appliedMigrations: nil)
        }
        routes.get("health/ready") { _, _ in
            try await ready()
        }
        return routes
    }

    private func ready() async throws -> Health {
        let status: MigrationStatus
        do {
            status = try await migrator.status()
        } catch let error as MigrationError {
            throw AcademyError.unavailable(reason: error.description, retryAfterSeconds: 30)
        }
        guard status.isCurrent else {
            let versions = status.pending.map { String($0.version) }.joined(separator: ", ")
            throw AcademyError.unavailable(
                reason: "The database schema is not current: migrations \(versions) are pending.",
                retryAfterSeconds: 5
            )
        }
        return Health(status: "ready", appliedMigrations: status.applied.count)
    }
}
