import AcademyTestSupport
import AcademyStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `academy` executable as an operator meets it: help, configuration errors, migrations,
/// and a server that starts, answers and stops cleanly on SIGTERM.
@Suite struct CommandLineTests {
    /// The binary SwiftPM built next to this test bundle.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent()
        .appendingPathComponent("academy")

    struct Outcome {
        let status: Int32
        let output: String
        let errorOutput: String
    }

    static func environment(_ url: DatabaseURL, _ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ACADEMY_") }
        environment["ACADEMY_DATABASE_URL"] = "postgres://\(url.username):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
        environment["ACADEMY_LOG_LEVEL"] = "warning"
        return environment.merging(extra) { $1 }
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errorOutput = Pipe()
        process.standardOutput = output
        process.standardError = errorOutput
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            errorOutput: String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test func helpListsEveryCommand() throws {
        let outcome = try Self.run(["--help"], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("serve"))
        #expect(outcome.output.contains("migrate"))
        let serveHelp = try Self.run(["serve", "--help"], environment: [:])
        #expect(serveHelp.output.contains("ACADEMY_DATABASE_URL"))
        #expect(serveHelp.output.contains("ACADEMY_MAX_BODY_BYTES"))
    }

    @Test func badConfigurationExitsWithTheVariableNamed() throws {
        let url = try DatabaseURL("postgres://u:topsecret@127.0.0.1:1/db")
        let outcome = try Self.run(["serve"], environment: Self.environment(url, ["ACADEMY_PORT": "http"]))
        #expect(outcome.status == 78)
        #expect(outcome.errorOutput.contains("ACADEMY_PORT"))
        #expect(outcome.errorOutput.contains("an integer from 0 to 65535"))
        #expect(!outcome.errorOutput.contains("topsecret"))
    }

    @Test func anUnwritableDataFolderStopsTheStart() throws {
        let url = try DatabaseURL("postgres://u:pw@127.0.0.1:1/db")
        let outcome = try Self.run(["serve"], environment: Self.environment(url, ["ACADEMY_DATA_DIR": "/proc/academy-files"]))
        #expect(outcome.status == 78)
        #expect(outcome.errorOutput.contains("ACADEMY_DATA_DIR"))
    }

    @Test func migrateAppliesThenReportsStatus() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            let environment = Self.environment(url)
            let pending = try Self.run(["migrate", "--status"], environment: environment)
            #expect(pending.status == 0)
            #expect(pending.output.contains("Applied:\n  (none)"))
            #expect(pending.output.contains("0001  users"))

            let applied = try Self.run(["migrate"], environment: environment)
            #expect(applied.status == 0, "\(applied.errorOutput)")
            #expect(applied.output.contains("Applied migrations 1"))

            let again = try Self.run(["migrate"], environment: environment)
            #expect(again.output.contains("Nothing to apply"))
            let status = try Self.run(["migrate", "--status"], environment: environment)
            #expect(status.output.contains("Pending:\n  (none)"))
        }
    }

    @Test func serveAnswersAndStopsCleanlyOnSIGTERM() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            let port = 20_000 + Int.random(in: 0..<20_000)
            let process = Process()
            process.executableURL = Self.executable
            process.arguments = ["serve"]
            process.environment = Self.environment(url, ["ACADEMY_PORT": String(port)])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }

            var readyStatus = 0
            for _ in 0..<100 where readyStatus != 200 {
                readyStatus = await Self.status(of: "http://127.0.0.1:\(port)/health/ready")
                if readyStatus != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(readyStatus == 200)

            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<100 where process.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0)
        }
    }

    static func status(of address: String) async -> Int {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: address)!) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
