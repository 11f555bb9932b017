public import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Foundation
import Logging
import NIOCore
import SystemPackage
import _NIOFileSystem

/// `academy backup` and `academy restore`: a consistent `pg_dump` of the database (one snapshot, in
/// PostgreSQL's custom format) plus every stored file, with a manifest of their checksums; and the
/// way back, into an empty database only. The dump and restore are PostgreSQL's own client tools
/// (libpq's, from the `postgresql-client` package), run with the password in their environment,
/// never on a command line that `ps` shows.
public struct BackupService: Sendable {
    let databaseURL: DatabaseURL
    let inventory: FileInventory
    let migrator: Migrator
    let blobs: BlobStore

    public init(databaseURL: DatabaseURL, database: Database, migrator: Migrator, blobs: BlobStore) {
        self.databaseURL = databaseURL
        inventory = FileInventory(database: database)
        self.migrator = migrator
        self.blobs = blobs
    }

    /// Writes the backup into `directory`, which must be new or empty.
    public func backup(to directory: URL, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> BackupManifest {
        let fileManager = FileManager.default
        if let existing = try? fileManager.contentsOfDirectory(atPath: directory.path), !existing.isEmpty {
            throw BackupError("\(directory.path) is not empty: a backup goes into a new folder")
        }
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // No file the dump refers to may be collected before it is copied: `academy blobs gc`
        // does not run while a backup holds this lock.
        return try await inventory.whileBackingUp { [self] in
            try await write(to: directory, progress: progress)
        }
    }

    private func write(to directory: URL, progress: @Sendable (String) -> Void) async throws -> BackupManifest {
        let schemaVersion = try await migrator.status().applied.last?.version ?? 0
        let dump = directory.appendingPathComponent(BackupManifest.databaseFile)
        progress("Dumping the database")
        try await ClientTool.run("pg_dump", arguments: ["--format=custom", "--no-owner", "--no-privileges", "--file", dump.path], database: databaseURL)
        let databaseFile = BackupManifest.File(path: BackupManifest.databaseFile, sha256: try await Self.digest(of: dump), size: try Self.size(of: dump))
        // Read after the dump's snapshot: every file it refers to is listed (none is forgotten
        // while the lock is held; newer ones are harmless extras).
        let stored = try await inventory.storedFiles()
        progress("Copying \(stored.count) stored files")
        var files: [BackupManifest.File] = []
        for file in stored {
            let path = BackupManifest.blobPath(for: file.sha256)
            let size = try await blobs.copy(file.sha256, to: FilePath(directory.appendingPathComponent(path).path))
            files.append(.init(path: path, sha256: file.sha256, size: size))
        }
        let manifest = BackupManifest(createdAt: Date(), schemaVersion: schemaVersion, database: databaseFile, blobs: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Written last, and whole: a folder without its manifest is no backup.
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(BackupManifest.fileName), options: .atomic)
        return manifest
    }

    /// Restores the backup in `directory` into this academy's database, which must hold nothing,
    /// and its files into the configured store. Every checksum is verified before the database
    /// is touched; the dump is restored in one transaction.
    public func restore(from directory: URL, progress: @Sendable (String) -> Void = { _ in }) async throws -> BackupManifest {
        let manifestURL = directory.appendingPathComponent(BackupManifest.fileName)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw BackupError("\(manifestURL.path) cannot be read: is \(directory.path) a backup made by academy backup?")
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError("\(manifestURL.path) is not an academy backup manifest")
        }
        let problems = manifest.problems(newestKnownSchema: migrator.migrations.map(\.version).max() ?? 0)
        guard problems.isEmpty else { throw BackupError(problems.joined(separator: "; ")) }
        guard try await inventory.holdsNothing() else {
            throw BackupError("the database \(databaseURL.database) is not empty: restore into a new, empty database")
        }
        let dump = directory.appendingPathComponent(manifest.database.path)
        guard try await Self.digest(of: dump) == manifest.database.sha256 else {
            throw BackupError("\(dump.path) does not match its checksum in the manifest: the backup is damaged")
        }
        progress("Restoring \(manifest.blobs.count) stored files")
        for file in manifest.blobs {
            do {
                try await blobs.restore(fileAt: FilePath(directory.appendingPathComponent(file.path).path), sha256: file.sha256)
            } catch let error as BlobCorruption {
                throw BackupError("\(file.path) does not match its checksum: \(error)")
            }
        }
        progress("Restoring the database")
        try await ClientTool.run(
            "pg_restore", arguments: ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", dump.path], database: databaseURL
        )
        return manifest
    }

    static func digest(of url: URL) async throws -> String {
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(url.path)) { handle in
            var digest = SHA256Digest()
            for try await chunk in handle.readChunks() { chunk.withUnsafeReadableBytes { digest.update($0) } }
            return digest.finalize()
        }
    }

    static func size(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// Why a backup or restore stopped, said to the operator.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// PostgreSQL's client tools (`pg_dump`, `pg_restore`) run against the academy's database.
enum ClientTool {
    static func run(_ tool: String, arguments: [String], database: DatabaseURL) async throws {
        guard let executable = locate(tool) else {
            throw BackupError("\(tool) is not installed: it comes with PostgreSQL's client tools (Debian: apt-get install postgresql-client)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + [
            "--host", database.socketDirectory ?? database.host, "--port", String(database.port),
            "--username", database.username, "--no-password", "--dbname", database.database,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = database.password ?? ""
        environment["PGSSLMODE"] = database.tlsMode.rawValue
        environment["PGAPPNAME"] = "academy-\(tool)"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        // Read while the tool runs: a full pipe would stop it.
        let said = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let message = String(decoding: await said.value.prefix(4000), as: UTF8.self)
            throw BackupError("\(tool) failed (exit \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    static func locate(_ tool: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(tool) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
