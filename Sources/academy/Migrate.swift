import AcademyServices
import AcademyCore
import AcademyStore
import ArgumentParser
import Foundation

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations, or list them with --status.",
        discussion: """
        Migrations are applied in order, each in its own transaction, under an advisory lock, so
        running this while servers start is safe. An applied migration whose file has changed
        stops everything with an error: add a new migration instead of editing an old one.
        """
    )

    @Flag(help: "List applied and pending migrations; change nothing.")
    var status = false

    func run() async throws {
        let status = self.status
        let report = try await CommandEnvironment.withDependencies { dependencies in
            if status {
                return Self.describe(try await dependencies.migrator.status())
            }
            let applied = try await dependencies.migrator.migrate()
            try await dependencies.secrets.sealStoredSecrets(signingKeys: dependencies.signingKeys, certificates: dependencies.certificateKeys)
            return applied.isEmpty
                ? "Nothing to apply: the schema is current."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", "))."
        }
        print(report)
    }

    static func describe(_ status: MigrationStatus) -> String {
        var lines = ["Applied:"]
        lines += status.applied.isEmpty ? ["  (none)"] : status.applied.map {
            "  \(String(format: "%04d", $0.version))  \($0.name)  \(RFC3339.string(from: $0.appliedAt))"
        }
        lines.append("Pending:")
        lines += status.pending.isEmpty ? ["  (none)"] : status.pending.map {
            "  \(String(format: "%04d", $0.version))  \($0.name)"
        }
        return lines.joined(separator: "\n")
    }
}
