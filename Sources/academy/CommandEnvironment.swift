import AcademyServices
import AcademyCore
import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Prometheus

/// What every command does first: read and validate the configuration, and set up logging.
enum CommandEnvironment {
    /// EX_CONFIG from sysexits(3): the configuration is wrong, retrying will not help.
    static let configurationExitCode: Int32 = 78

    static func loadConfiguration() throws -> AppConfiguration {
        do {
            return try AppConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(configurationExitCode)
        }
    }

    /// Creates the data folder up front, so a path that cannot be written fails the start with its
    /// variable named rather than the first upload.
    static func prepareDataDirectory(_ configuration: AppConfiguration) throws {
        let path = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw CocoaError(.fileWriteNoPermission)
            }
        } catch {
            let problem = ConfigurationError.Problem(
                variable: "ACADEMY_DATA_DIR", message: "\"\(path)\" cannot be created or written: \(error.localizedDescription)"
            )
            FileHandle.standardError.write(Data("\(ConfigurationError(problems: [problem]).description)\n".utf8))
            throw ExitCode(configurationExitCode)
        }
    }

    /// Runs `body` with the application's dependencies and a running database pool: what every
    /// admin command needs. Settings come from the environment, as for `serve`.
    static func withDependencies<Result: Sendable>(
        _ body: @escaping @Sendable (AppDependencies) async throws -> Result
    ) async throws -> Result {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let dependencies = try AppDependencies(
            configuration: configuration, logger: logger, metricsRegistry: PrometheusCollectorRegistry()
        )
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await dependencies.postgres.run()
                return nil
            }
            defer { group.cancelAll() }
            do {
                let result = try await body(dependencies)
                try await dependencies.hashingPool.shutdown()
                return result
            } catch let error as AcademyError {
                throw CommandFailure(error)
            }
        }
    }

    static func makeLogger(_ configuration: AppConfiguration) -> Logger {
        LoggingSystem.bootstrap { LineLogHandler(label: $0) }
        var logger = Logger(label: "academy")
        logger.logLevel = configuration.logLevel
        return logger
    }

    /// The settings table of `serve --help`, from the same list the configuration is read with.
    static var settingsHelp: String {
        AppConfiguration.settings.map { setting in
            let defaultText = setting.defaultValue.map { " (default \($0))" } ?? " (required)"
            return "  \(setting.variable)\(defaultText)\n      \(setting.accepts)"
        }.joined(separator: "\n")
    }
}

/// An error of the academy's own, told to the operator as a sentence with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }

    init(_ error: AcademyError) {
        switch error {
        case .validationFailed(let fields):
            description = fields.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
        case .notFound(let detail), .forbidden(let detail), .conflict(let detail), .malformedRequest(let detail):
            description = detail
        case .unavailable(let reason, _):
            description = reason
        default:
            description = "\(error)"
        }
    }
}
