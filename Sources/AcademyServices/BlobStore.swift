import AcademyCore
import AcademyCrypto
import AsyncHTTPClient
public import Foundation
import Logging
public import NIOCore
public import SystemPackage
import _NIOFileSystem

/// Uploaded files, named by their SHA-256: in a folder (`ACADEMY_DATA_DIR/blobs/ab/abcdef…`, the
/// default) or in an S3-compatible bucket (under `blobs/ab/abcdef…`, for several instances that
/// share files). Either way a file is first streamed into `ACADEMY_DATA_DIR/blobs/tmp`, hashed and
/// counted as it arrives (never held whole in memory) and synced; only then does it take its
/// content address (a rename, or an upload of the finished file), so a name always stands for
/// complete, durable bytes, and the same content uploaded twice is stored once.
public struct BlobStore: Sendable {
    public let root: FilePath
    /// Where the files live when they are not in `root`.
    public let bucket: S3Bucket?
    let fileSystem = FileSystem.shared

    public init(dataDirectory: String, bucket: S3Bucket? = nil) {
        root = FilePath(dataDirectory).appending("blobs")
        self.bucket = bucket
    }

    public struct Stored: Sendable {
        public let sha256: String
        public let size: Int
    }

    /// Where a file lives in the folder store.
    public func path(for sha256: String) -> FilePath {
        root.appending(String(sha256.prefix(2))).appending(sha256)
    }

    /// Where a file lives in the bucket.
    public static func key(for sha256: String) -> String {
        "blobs/\(sha256.prefix(2))/\(sha256)"
    }

    /// Writes `body` under its hash. Refuses (and removes what was written) a body over `limit`
    /// bytes (413) or whose first bytes are not `mediaType` (422).
    public func store<Body: AsyncSequence>(_ body: Body, limit: Int, mediaType: String) async throws -> Stored where Body.Element == ByteBuffer {
        try await ingest(body, limit: limit, mediaType: mediaType, expectedSHA256: nil)
    }

    /// Takes back a file of a backup, which must hash to the name it was saved under.
    public func restore(fileAt path: FilePath, sha256: String) async throws {
        _ = try await fileSystem.withFileHandle(forReadingAt: path) { handle in
            try await ingest(handle.readChunks(), limit: .max, mediaType: nil, expectedSHA256: sha256)
        }
    }

    /// Streams a stored file to `destination` (a backup), checking on the way that its bytes still
    /// hash to its name. Returns its size.
    public func copy(_ sha256: String, to destination: FilePath) async throws -> Int {
        try await fileSystem.createDirectory(at: destination.removingLastComponent(), withIntermediateDirectories: true, permissions: nil)
        return try await fileSystem.withFileHandle(forWritingAt: destination, options: .newFile(replaceExisting: false)) { output in
            var writer = output.bufferedWriter()
            var digest = SHA256Digest()
            var size = 0
            try await withContents(of: sha256) { chunks in
                for try await chunk in chunks {
                    chunk.withUnsafeReadableBytes { digest.update($0) }
                    size += chunk.readableBytes
                    try await writer.write(contentsOf: chunk)
                }
            }
            try await writer.flush()
            try await output.synchronize()
            guard digest.finalize() == sha256 else { throw BlobCorruption(sha256: sha256) }
            return size
        }
    }

    /// Runs `body` with a stored file's bytes as they are read, from the folder or the bucket.
    private func withContents<Value>(
        of sha256: String, _ body: (any AsyncSequence<ByteBuffer, any Error>) async throws -> Value
    ) async throws -> Value {
        if let bucket {
            return try await body(try await Self.reaching(bucket) { try await bucket.download(Self.key(for: sha256)) })
        }
        return try await fileSystem.withFileHandle(forReadingAt: path(for: sha256)) { handle in
            try await body(handle.readChunks())
        }
    }

    private func ingest<Body: AsyncSequence>(
        _ body: Body, limit: Int, mediaType: String?, expectedSHA256: String?
    ) async throws -> Stored where Body.Element == ByteBuffer {
        let temporaryDirectory = root.appending("tmp")
        try await fileSystem.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true, permissions: nil)
        let temporary = temporaryDirectory.appending(UUID().uuidString)
        do {
            var digest = SHA256Digest()
            var size = 0
            var prefix: [UInt8] = []
            var checked = false
            let handle = try await fileSystem.openFile(forWritingAt: temporary, options: .newFile(replaceExisting: false))
            do {
                for try await buffer in body {
                    size += buffer.readableBytes
                    guard size <= limit else { throw AcademyError.payloadTooLarge(limit: limit) }
                    if let mediaType, !checked {
                        prefix += buffer.readableBytesView.prefix(AttachmentRules.sniffLength - prefix.count)
                        if prefix.count >= AttachmentRules.sniffLength {
                            try Self.check(prefix, is: mediaType)
                            checked = true
                        }
                    }
                    buffer.withUnsafeReadableBytes { digest.update($0) }
                    try await handle.write(contentsOf: buffer, toAbsoluteOffset: Int64(size - buffer.readableBytes))
                }
                if let mediaType, !checked { try Self.check(prefix, is: mediaType) }
                try await handle.synchronize()
                try await handle.close()
            } catch {
                try? await handle.close()
                throw error
            }
            let stored = Stored(sha256: digest.finalize(), size: size)
            if let expectedSHA256, stored.sha256 != expectedSHA256 { throw BlobCorruption(sha256: expectedSHA256) }
            // A file stored already is written again (bucket) or touched (folder): its age is what
            // `academy blobs gc` goes by, and the upload that is about to refer to it must not
            // find it collected.
            if let bucket {
                try await Self.reaching(bucket) {
                    try await bucket.upload(fileAt: temporary, size: size, sha256: stored.sha256, as: Self.key(for: stored.sha256))
                }
                try await fileSystem.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
                return stored
            }
            let destination = path(for: stored.sha256)
            try await fileSystem.createDirectory(at: destination.removingLastComponent(), withIntermediateDirectories: true, permissions: nil)
            if try await fileSystem.info(forFileAt: destination) != nil {
                try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: destination.string)
                try await fileSystem.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
            } else {
                try await fileSystem.moveItem(at: temporary, to: destination)
            }
            return stored
        } catch {
            _ = try? await fileSystem.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
            throw error
        }
    }

    /// The same, for bytes in memory (an image embedded in an imported file).
    public func store(bytes: [UInt8], limit: Int, mediaType: String) async throws -> Stored {
        let body = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(bytes: bytes))
            continuation.finish()
        }
        return try await store(body, limit: limit, mediaType: mediaType)
    }

    /// The same, for a file already on disk (a staged upload, a course folder's attachment).
    public func store(fileAt url: URL, limit: Int, mediaType: String) async throws -> Stored {
        try await fileSystem.withFileHandle(forReadingAt: FilePath(url.path)) { handle in
            try await store(handle.readChunks(), limit: limit, mediaType: mediaType)
        }
    }

    /// The bytes of a stored file, read whole (small files only: an image of a question).
    public func bytes(of sha256: String) async throws -> [UInt8] {
        try await withContents(of: sha256) { chunks in
            var bytes: [UInt8] = []
            for try await chunk in chunks {
                guard bytes.count + chunk.readableBytes <= Self.wholeReadLimit else { throw AcademyError.payloadTooLarge(limit: Self.wholeReadLimit) }
                bytes += chunk.readableBytesView
            }
            return bytes
        }
    }

    /// The bytes of a file in the bucket, or a range of them, as they arrive (a download served
    /// from the bucket); nil for the folder store, whose files are served from `path(for:)`.
    public func stream(_ sha256: String, range: ClosedRange<Int>?) async throws -> BlobStream? {
        guard let bucket else { return nil }
        return try await Self.reaching(bucket) { BlobStream(body: try await bucket.download(Self.key(for: sha256), range: range)) }
    }

    /// Runs `body` with each file as a local one (a course folder being written): the stored files
    /// themselves in the folder store, copies removed afterwards for the bucket.
    public func withLocalFiles<Value>(_ hashes: Set<String>, _ body: ([String: URL]) async throws -> Value) async throws -> Value {
        guard bucket != nil else {
            return try await body(Dictionary(uniqueKeysWithValues: hashes.map { ($0, URL(fileURLWithPath: path(for: $0).string)) }))
        }
        let copies = root.appending("tmp").appending("copies-\(UUID().uuidString)")
        try await fileSystem.createDirectory(at: copies, withIntermediateDirectories: true, permissions: nil)
        do {
            var files: [String: URL] = [:]
            for sha256 in hashes {
                let copy = copies.appending(sha256)
                _ = try await self.copy(sha256, to: copy)
                files[sha256] = URL(fileURLWithPath: copy.string)
            }
            let value = try await body(files)
            try await fileSystem.removeItem(at: copies, strategy: .platformDefault, recursively: true)
            return value
        } catch {
            _ = try? await fileSystem.removeItem(at: copies, strategy: .platformDefault, recursively: true)
            throw error
        }
    }

    /// A stored file as `academy blobs gc` sees it.
    public struct Listed: Sendable {
        public let sha256: String
        public let size: Int
        public let modified: Date
    }

    /// Every stored file, with its size and when it was last written.
    public func list() async throws -> [Listed] {
        if let bucket {
            return try await Self.reaching(bucket) {
                // "blobs", not "blobs/": moto's signature check reads an encoded slash in a query
                // differently from AWS; keys outside the folder are filtered out below.
                try await bucket.list(prefix: "blobs").compactMap { object in
                    let sha256 = String(object.key.split(separator: "/").last ?? "")
                    guard object.key == Self.key(for: sha256), AttachmentRules.isSHA256(sha256) else { return nil }
                    return Listed(sha256: sha256, size: object.size, modified: object.lastModified)
                }
            }
        }
        let fileManager = FileManager.default
        var listed: [Listed] = []
        for folder in (try? fileManager.contentsOfDirectory(atPath: root.string)) ?? [] where folder.utf8.count == 2 {
            for name in (try? fileManager.contentsOfDirectory(atPath: root.appending(folder).string)) ?? []
            where AttachmentRules.isSHA256(name) && name.hasPrefix(folder) {
                // Gone since the folder was read (another collection): nothing to list.
                guard let attributes = try? fileManager.attributesOfItem(atPath: path(for: name).string) else { continue }
                listed.append(Listed(
                    sha256: name, size: (attributes[.size] as? NSNumber)?.intValue ?? 0, modified: attributes[.modificationDate] as? Date ?? Date()
                ))
            }
        }
        return listed
    }

    /// When a stored file was last written; nil when it is not there.
    public func modified(_ sha256: String) async throws -> Date? {
        if let bucket {
            return try await Self.reaching(bucket) { try await bucket.lastModified(Self.key(for: sha256)) }
        }
        return (try? FileManager.default.attributesOfItem(atPath: path(for: sha256).string))?[.modificationDate] as? Date
    }

    public func remove(_ sha256: String) async throws {
        if let bucket {
            try await Self.reaching(bucket) { try await bucket.delete(Self.key(for: sha256)) }
        } else {
            try await fileSystem.removeItem(at: path(for: sha256), strategy: .platformDefault, recursively: false)
        }
    }

    /// Removes what uploads left in the staging folder before `cutoff` (a crash in the middle of
    /// one); returns how many.
    public func removeStaged(before cutoff: Date) async throws -> Int {
        let staging = root.appending("tmp")
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staging.string)) ?? [] {
            let entry = staging.appending(name)
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: entry.string))?[.modificationDate] as? Date, modified < cutoff else { continue }
            _ = try await fileSystem.removeItem(at: entry, strategy: .platformDefault, recursively: true)
            removed += 1
        }
        return removed
    }

    /// Reads whole only what is small (question images are capped far below this).
    static let wholeReadLimit = 64 * 1024 * 1024

    /// Runs a call to the bucket; a store that cannot be reached or is failing answers 503 (the
    /// client may retry), while a refusal (bad credentials, no such bucket) stays an error of ours.
    /// The cause is logged here, for the operator; the client is told no more than that.
    static func reaching<Value>(_ bucket: S3Bucket, _ call: () async throws -> Value) async throws -> Value {
        do {
            return try await call()
        } catch let failure as S3Bucket.Failure where !failure.isTransient {
            throw failure
        } catch let error as AcademyError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            Logger(label: "academy").warning("The file storage cannot be reached", metadata: ["reason": "\(error)"])
            throw AcademyError.unavailable(reason: "The file storage cannot be reached.", retryAfterSeconds: 5)
        }
    }

    private static func check(_ prefix: [UInt8], is mediaType: String) throws(AcademyError) {
        guard AttachmentRules.matches(mediaType, prefix: prefix) else {
            throw .validationFailed([FieldError(field: "content_type", message: "does not match the file's bytes: they are not \(mediaType)")])
        }
    }
}

/// A file whose bytes no longer hash to its name.
public struct BlobCorruption: Error, Sendable, CustomStringConvertible {
    public let sha256: String
    public var description: String { "the file \(sha256) is damaged: its bytes no longer hash to its name" }
}

/// A file's bytes as they come from the bucket.
public struct BlobStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    let body: HTTPClientResponse.Body

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: HTTPClientResponse.Body.AsyncIterator

        public mutating func next() async throws -> ByteBuffer? {
            try await inner.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: body.makeAsyncIterator())
    }
}
