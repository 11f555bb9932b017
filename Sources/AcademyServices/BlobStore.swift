import AcademyCore
import AcademyCrypto
public import Foundation
public import NIOCore
public import SystemPackage
import _NIOFileSystem

/// Uploaded files on disk, named by their SHA-256 under `ACADEMY_DATA_DIR/blobs/ab/abcdef…`.
/// A file is streamed into `blobs/tmp`, hashed and counted as it arrives (never held whole in
/// memory), synced, and only then renamed to its content address, so a name always stands for
/// complete, durable bytes; the same content uploaded twice is stored once.
public struct BlobStore: Sendable {
    public let root: FilePath
    let fileSystem = FileSystem.shared

    public init(dataDirectory: String) {
        root = FilePath(dataDirectory).appending("blobs")
    }

    public struct Stored: Sendable {
        public let sha256: String
        public let size: Int
    }

    public func path(for sha256: String) -> FilePath {
        root.appending(String(sha256.prefix(2))).appending(sha256)
    }

    /// Writes `body` under its hash. Refuses (and removes what was written) a body over `limit`
    /// bytes (413) or whose first bytes are not `mediaType` (422).
    public func store<Body: AsyncSequence>(_ body: Body, limit: Int, mediaType: String) async throws -> Stored where Body.Element == ByteBuffer {
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
                    if !checked {
                        prefix += buffer.readableBytesView.prefix(AttachmentRules.sniffLength - prefix.count)
                        if prefix.count >= AttachmentRules.sniffLength {
                            try Self.check(prefix, is: mediaType)
                            checked = true
                        }
                    }
                    buffer.withUnsafeReadableBytes { digest.update($0) }
                    try await handle.write(contentsOf: buffer, toAbsoluteOffset: Int64(size - buffer.readableBytes))
                }
                if !checked { try Self.check(prefix, is: mediaType) }
                try await handle.synchronize()
                try await handle.close()
            } catch {
                try? await handle.close()
                throw error
            }
            let sha256 = digest.finalize()
            let destination = path(for: sha256)
            try await fileSystem.createDirectory(at: destination.removingLastComponent(), withIntermediateDirectories: true, permissions: nil)
            if try await fileSystem.info(forFileAt: destination) != nil {
                try await fileSystem.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
            } else {
                try await fileSystem.moveItem(at: temporary, to: destination)
            }
            return Stored(sha256: sha256, size: size)
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

    /// The bytes of a stored file, read whole (small files only: an image of a question).
    public func bytes(of sha256: String) async throws -> [UInt8] {
        try await fileSystem.withFileHandle(forReadingAt: path(for: sha256)) { handle in
            var bytes: [UInt8] = []
            for try await chunk in handle.readChunks() { bytes += chunk.readableBytesView }
            return bytes
        }
    }

    /// The same, for a file already on disk (a staged upload, a course folder's attachment).
    public func store(fileAt url: URL, limit: Int, mediaType: String) async throws -> Stored {
        try await fileSystem.withFileHandle(forReadingAt: FilePath(url.path)) { handle in
            try await store(handle.readChunks(), limit: limit, mediaType: mediaType)
        }
    }

    private static func check(_ prefix: [UInt8], is mediaType: String) throws(AcademyError) {
        guard AttachmentRules.matches(mediaType, prefix: prefix) else {
            throw .validationFailed([FieldError(field: "content_type", message: "does not match the file's bytes: they are not \(mediaType)")])
        }
    }
}
