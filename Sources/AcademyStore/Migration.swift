public import Foundation

/// One schema change, from a file `NNNN_description.sql` bundled with the store.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations shipped with this build, in order.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.missingBundle
        }
        return try load(from: directory)
    }

    /// Reads every `NNNN_description.sql` in a folder; versions must be unique.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        var migrations: [Migration] = []
        for file in files {
            let stem = file.deletingPathExtension().lastPathComponent
            guard let separator = stem.firstIndex(of: "_"), let version = Int(stem[..<separator]), version > 0 else {
                throw MigrationError.badFileName(file.lastPathComponent)
            }
            let sql = try String(contentsOf: file, encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: separator)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw MigrationError.duplicateVersion(later.version)
        }
        return migrations
    }
}

public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingBundle
    case badFileName(String)
    case duplicateVersion(Int)
    case checksumMismatch(version: Int, name: String)
    case unknownApplied(version: Int, name: String)
    case failed(version: Int, name: String, statement: Int, reason: String)

    public var description: String {
        switch self {
        case .missingBundle:
            "The migrations bundled with academy are missing; reinstall it."
        case .badFileName(let file):
            "Migration file \(file) is not named NNNN_description.sql."
        case .duplicateVersion(let version):
            "Two migration files share version \(version)."
        case .checksumMismatch(let version, let name):
            "Migration \(version) (\(name)) was applied, but its file has changed since. Applied migrations are never edited: restore the file and add a new migration for the change."
        case .unknownApplied(let version, let name):
            "The database has migration \(version) (\(name)), which this build of academy does not know: it was migrated by a newer version. Run that version."
        case .failed(let version, let name, let statement, let reason):
            "Migration \(version) (\(name)) failed at statement \(statement) and was rolled back: \(reason)"
        }
    }
}
