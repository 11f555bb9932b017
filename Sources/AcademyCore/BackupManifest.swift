public import Foundation

/// What `academy backup` wrote into its folder: the database dump and every stored file, each with
/// its size and SHA-256, so that `academy restore` takes nothing damaged or foreign.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let currentFormat = "academy-backup-1"
    public static let databaseFile = "database.dump"
    public static let fileName = "manifest.json"

    public struct File: Codable, Sendable, Equatable {
        public let path: String
        public let sha256: String
        public let size: Int

        public init(path: String, sha256: String, size: Int) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    public let format: String
    public let createdAt: String
    /// The newest migration applied to the database that was dumped.
    public let schemaVersion: Int
    public let database: File
    public let blobs: [File]

    public init(createdAt: Date, schemaVersion: Int, database: File, blobs: [File]) {
        format = Self.currentFormat
        self.createdAt = RFC3339.string(from: createdAt)
        self.schemaVersion = schemaVersion
        self.database = database
        self.blobs = blobs
    }

    enum CodingKeys: String, CodingKey {
        case format, createdAt = "created_at", schemaVersion = "schema_version", database, blobs
    }

    /// Where a stored file goes in the folder: named by its hash, as in the folder store.
    public static func blobPath(for sha256: String) -> String {
        "blobs/\(sha256.prefix(2))/\(sha256)"
    }

    /// What makes the manifest unfit to restore from, before anything is read: another format, a
    /// schema newer than this program's, or a path that is not where its hash says (a manifest
    /// that named `../../etc/passwd` would otherwise be read from).
    public func problems(newestKnownSchema: Int) -> [String] {
        var problems: [String] = []
        if format != Self.currentFormat {
            problems.append("the manifest's format is \(format), not \(Self.currentFormat)")
        }
        if schemaVersion > newestKnownSchema {
            problems.append("the backup's schema is version \(schemaVersion); this academy knows up to \(newestKnownSchema): restore with a newer academy")
        }
        if database.path != Self.databaseFile || !AttachmentRules.isSHA256(database.sha256) {
            problems.append("the manifest's database entry is not \(Self.databaseFile) with its SHA-256")
        }
        for file in blobs where !AttachmentRules.isSHA256(file.sha256) || file.path != Self.blobPath(for: file.sha256) || file.size < 0 {
            problems.append("the manifest lists \(file.path), which is not a stored file's place")
        }
        return problems
    }
}
