import AcademyAPI
import AcademyServices
import AcademyStore
import AcademyWeb
import AcademyTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import Synchronization
import Testing

/// The real application, wired as `academy serve` wires it, against a database of its own.
struct TestApp {
    /// One Prometheus registry for the whole test process: swift-metrics can be bootstrapped once.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(makeMetricsFactory(registry: registry))
        return registry
    }()

    /// Settings every test app starts from; tests override single entries.
    static func environment(databaseURL: DatabaseURL) -> [String: String] {
        [
            "ACADEMY_DATABASE_URL": "postgres://\(databaseURL.username):\(databaseURL.password ?? "")@\(databaseURL.host):\(databaseURL.port)/\(databaseURL.database)?sslmode=disable",
            "ACADEMY_PORT": "0",
            // Generous: tests that race 50 requests at a 20-connection pool on two busy cores must
            // not see the 503 that protects production; tests of that 503 set their own.
            "ACADEMY_DATABASE_TIMEOUT_SECONDS": "15",
            // 2^10 instead of OWASP's 2^17: the same code path, a thousandth of the work.
            "ACADEMY_PASSWORD_HASH_COST": "10",
        ]
    }

    /// Runs `test` against an app on a fresh migrated database. `overrides` change settings;
    /// `extraRoutes` may add routes (after the app's own middleware) for cross-cutting tests.
    static func run<Value: Sendable>(
        overrides: [String: String] = [:],
        setup: TestingSetup = .router,
        logs: LogCapture? = nil,
        extraRoutes: (AcademyRouter) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await TestDatabases.withMigratedDatabase { url in
            try await run(databaseURL: url, overrides: overrides, setup: setup, logs: logs, extraRoutes: extraRoutes) { client, _ in
                try await test(client)
            }
        }
    }

    /// The same, handing the test the app's dependencies too (to create accounts directly).
    static func withApp<Value: Sendable>(
        overrides: [String: String] = [:],
        setup: TestingSetup = .router,
        logs: LogCapture? = nil,
        _ test: @escaping @Sendable (any TestClientProtocol, AppDependencies) async throws -> Value
    ) async throws -> Value {
        try await TestDatabases.withMigratedDatabase { url in
            try await run(databaseURL: url, overrides: overrides, setup: setup, logs: logs, test)
        }
    }

    static func run<Value: Sendable>(
        databaseURL: DatabaseURL,
        overrides: [String: String] = [:],
        setup: TestingSetup = .router,
        logs: LogCapture? = nil,
        extraRoutes: (AcademyRouter) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await run(databaseURL: databaseURL, overrides: overrides, setup: setup, logs: logs, extraRoutes: extraRoutes) { client, _ in
            try await test(client)
        }
    }

    static func run<Value: Sendable>(
        databaseURL: DatabaseURL,
        overrides: [String: String] = [:],
        setup: TestingSetup = .router,
        logs: LogCapture? = nil,
        extraRoutes: (AcademyRouter) -> Void = { _ in },
        _ test: @escaping @Sendable (any TestClientProtocol, AppDependencies) async throws -> Value
    ) async throws -> Value {
        let environment = Self.environment(databaseURL: databaseURL).merging(overrides) { _, override in override }
        let configuration = try AppConfiguration(environment: environment)
        var logger = logs.map { capture in Logger(label: "academy") { _ in CapturingLogHandler(capture: capture) } }
            ?? TestDatabases.logger
        logger.logLevel = logs == nil ? TestDatabases.logger.logLevel : min(.debug, configuration.logLevel)
        let dependencies = try AppDependencies(configuration: configuration, logger: logger, metricsRegistry: metricsRegistry)
        let router = try await buildSite(dependencies)
        extraRoutes(router)
        let app = buildApplication(router: router, dependencies: dependencies)
        return try await app.test(setup) { client in try await test(client, dependencies) }
    }
}

/// Log lines of one test app, with their metadata, for assertions about what is logged.
final class LogCapture: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let storage = Mutex<[Line]>([])

    var lines: [Line] { storage.withLock { $0 } }

    func append(_ line: Line) {
        storage.withLock { $0.append(line) }
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        capture.append(.init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object; a body that is not one is recorded as a test failure.
    var json: [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            Issue.record("The body is not a JSON object: \(text)")
            return [:]
        }
        return object
    }
}

extension ByteBuffer {
    init(json: String) {
        self.init(string: json)
    }
}
