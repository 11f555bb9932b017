import AcademyAPI
import ArgumentParser
import Foundation
import Logging

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

    static func makeLogger(_ configuration: AppConfiguration) -> Logger {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
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
