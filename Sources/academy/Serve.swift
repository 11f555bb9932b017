import AcademyAPI
import AcademyServices
import AcademyWeb
import ArgumentParser
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server until SIGTERM or SIGINT.",
        discussion: """
        Migrates the database on start unless ACADEMY_AUTO_MIGRATE=false. While the database cannot
        be reached it keeps retrying: /health/live answers 200 and /health/ready 503 meanwhile.
        On SIGTERM or SIGINT it stops accepting connections, lets requests in flight finish (at most
        ACADEMY_SHUTDOWN_GRACE_SECONDS) and exits 0.

        Settings:
        \(CommandEnvironment.settingsHelp)
        """
    )

    func run() async throws {
        let configuration = try CommandEnvironment.loadConfiguration()
        try CommandEnvironment.prepareDataDirectory(configuration)
        let logger = CommandEnvironment.makeLogger(configuration)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(makeMetricsFactory(registry: registry))
        let dependencies = try AppDependencies(configuration: configuration, logger: logger, metricsRegistry: registry)
        if let bucket = dependencies.blobs.bucket {
            // Beside the start, not before it (an unreachable store takes seconds to say so), and
            // not fatal: the store may come up after the academy; until then files answer 503.
            Task {
                if let problem = await bucket.problem() {
                    logger.error("The file store's bucket is not usable", metadata: ["problem": "\(problem)"])
                } else {
                    logger.info("The file store's bucket answers")
                }
            }
        }
        let application = buildApplication(router: try await buildSite(dependencies), dependencies: dependencies)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [application],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }
}
