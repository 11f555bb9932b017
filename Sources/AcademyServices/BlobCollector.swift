public import AcademyStore
public import Foundation

/// `academy blobs gc`: removes stored files that nothing refers to (no attachment, no image of a
/// bank question or of any quiz version) and that nobody has written for longer than the grace
/// period, from the folder or the bucket, and forgets them in the database. The grace period
/// covers an upload in progress: its file is stored (or, already there, written again) before the
/// row that refers to it is, and each file's age is read again just before it is removed.
public struct BlobCollector: Sendable {
    let inventory: FileInventory
    let blobs: BlobStore

    public init(database: Database, blobs: BlobStore) {
        inventory = FileInventory(database: database)
        self.blobs = blobs
    }

    public struct Report: Sendable {
        public var removed: [BlobStore.Listed] = []
        public var keptReferenced = 0
        public var keptYoung = 0
        public var removedStaged = 0
        public var removedBytes: Int { removed.reduce(0) { $0 + $1.size } }
    }

    /// Removes what is due; throws `BackupError` when a backup is being made (it must find every
    /// file its dump refers to): run it again afterwards.
    public func collect(grace: Duration, dryRun: Bool, now: Date = Date()) async throws -> Report {
        guard let report = try await inventory.whileCollecting({ [self] in try await sweep(grace: grace, dryRun: dryRun, now: now) }) else {
            throw BackupError("a backup is being made (or another collection runs): run academy blobs gc again once it is done")
        }
        return report
    }

    private func sweep(grace: Duration, dryRun: Bool, now: Date) async throws -> Report {
        let cutoff = now.addingTimeInterval(-TimeInterval(grace.components.seconds))
        let files = try await blobs.list()
        let referenced = try await inventory.referencedFiles()
        var report = Report()
        var candidates: [BlobStore.Listed] = []
        for file in files {
            if referenced.contains(file.sha256) {
                report.keptReferenced += 1
            } else if file.modified >= cutoff {
                report.keptYoung += 1
            } else {
                candidates.append(file)
            }
        }
        guard !dryRun else {
            report.removed = candidates
            return report
        }
        // Rows first, so that a backup never lists a file that is gone; the delete reads the
        // references again, and what came to be referenced meanwhile is kept.
        let referencedNow = try await inventory.forgetUnreferenced(candidates.map(\.sha256))
        for file in candidates {
            if referencedNow.contains(file.sha256) {
                report.keptReferenced += 1
                continue
            }
            guard let modified = try await blobs.modified(file.sha256), modified < cutoff else {
                report.keptYoung += 1
                continue
            }
            try await blobs.remove(file.sha256)
            report.removed.append(file)
        }
        report.removedStaged = try await blobs.removeStaged(before: cutoff)
        return report
    }
}
