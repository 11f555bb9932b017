import AcademyCore
import AcademyServices
import ArgumentParser
import Foundation

/// `academy backup DIR` and `academy restore DIR`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database (pg_dump) and every stored file, with a manifest of checksums, into a new folder.",
        discussion: """
        The dump is one consistent snapshot, taken while the academy serves. Files come from the \
        configured store (the data folder or the bucket). Needs pg_dump (postgresql-client) no older \
        than the server. Restore with `academy restore DIR` into an empty database.
        """
    )

    @Argument(help: "A new (or empty) folder for the backup.") var directory: String

    func run() async throws {
        let directory = URL(fileURLWithPath: self.directory)
        let manifest = try await CommandEnvironment.withDependencies { dependencies in
            try await Self.service(dependencies).backup(to: directory) { print($0) }
        }
        let bytes = manifest.blobs.reduce(manifest.database.size) { $0 + $1.size }
        print("Backed up schema version \(manifest.schemaVersion) and \(manifest.blobs.count) files (\(bytes) bytes) into \(directory.path).")
    }

    static func service(_ dependencies: AppDependencies) -> BackupService {
        BackupService(
            databaseURL: dependencies.configuration.databaseURL, database: dependencies.database,
            migrator: dependencies.migrator, blobs: dependencies.blobs
        )
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty database and the configured file store.",
        discussion: """
        Refuses a database that holds anything, a backup whose checksums do not match, and one made \
        by a newer academy. Start `academy serve` afterwards: it applies any newer migrations.
        """
    )

    @Argument(help: "A folder written by academy backup.") var directory: String

    func run() async throws {
        let directory = URL(fileURLWithPath: self.directory)
        let manifest = try await CommandEnvironment.withDependencies { dependencies in
            try await BackupCommand.service(dependencies).restore(from: directory) { print($0) }
        }
        print("Restored the backup of \(manifest.createdAt) (schema version \(manifest.schemaVersion), \(manifest.blobs.count) files).")
    }
}
