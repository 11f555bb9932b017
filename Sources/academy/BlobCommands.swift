import AcademyServices
import ArgumentParser
import Foundation

/// `academy blobs gc`.
struct BlobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blobs", abstract: "Look after the stored files.", subcommands: [Collect.self]
    )

    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove stored files that no attachment, bank question or quiz version refers to, once unwritten for the grace period.",
            discussion: """
            Works on the configured store (the data folder or the bucket) and forgets the files in \
            the database; also clears this machine's staging folder of uploads abandoned before the \
            grace period. Safe while the academy serves: a file being uploaded is younger than the grace period.
            """
        )

        @Option(name: .customLong("grace-hours"), help: "Keep unreferenced files written within this many hours (at least 1).")
        var graceHours = 24
        @Flag(help: "Only say what would be removed.") var dryRun = false

        func validate() throws {
            guard (1...8760).contains(graceHours) else { throw ValidationError("--grace-hours takes 1 to 8760.") }
        }

        func run() async throws {
            let (grace, dryRun) = (Duration.seconds(graceHours * 3600), self.dryRun)
            let report = try await CommandEnvironment.withDependencies { dependencies in
                try await BlobCollector(database: dependencies.database, blobs: dependencies.blobs).collect(grace: grace, dryRun: dryRun)
            }
            for file in report.removed {
                print("\(dryRun ? "would remove" : "removed") \(file.sha256) (\(file.size) bytes)")
            }
            print(
                "\(dryRun ? "Would remove" : "Removed") \(report.removed.count) unreferenced files (\(report.removedBytes) bytes); "
                    + "kept \(report.keptReferenced) referenced and \(report.keptYoung) written within \(graceHours) h"
                    + (dryRun ? "." : "; cleared \(report.removedStaged) abandoned uploads.")
            )
        }
    }
}
