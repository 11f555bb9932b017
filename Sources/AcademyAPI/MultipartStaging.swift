import AcademyCore
import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import SystemPackage
import _NIOFileSystem

/// Streams the file parts of a `multipart/form-data` body into a staging folder as the parser
/// finds them, so no part is held whole in memory; counts bytes and files against their limits.
struct MultipartStaging {
    let maximumBytes: Int
    let maximumFiles: Int
    /// The staged name of a part's file name; throws for names that must not be staged.
    let name: @Sendable (String) throws(AcademyError) -> String

    /// The staged files by staged name.
    func stage(_ body: RequestBody, boundary: String, into staging: URL) async throws -> [String: URL] {
        let collector = PartCollector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.events.append(.header(name, value)) }
        parser.onBody = { buffer in collector.events.append(.body(buffer)) }
        parser.onPartComplete = { collector.events.append(.end) }
        var files: [String: URL] = [:]
        var total = 0
        var filename: String?
        var current: WriteFileHandle?
        var written: Int64 = 0
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                guard total <= maximumBytes else { throw AcademyError.payloadTooLarge(limit: maximumBytes) }
                do {
                    try parser.execute(chunk)
                } catch {
                    throw AcademyError.malformedRequest("The multipart body is malformed: parts must be separated by the boundary named in Content-Type.")
                }
                let events = collector.events
                collector.events.removeAll(keepingCapacity: true)
                for event in events {
                    switch event {
                    case .header(let name, let value) where name.lowercased() == "content-disposition":
                        filename = Self.filename(inDisposition: value)
                    case .header:
                        break
                    case .body(let buffer):
                        if current == nil {
                            guard let raw = filename else {
                                throw AcademyError.validationFailed([FieldError(field: "files", message: "every part must be a file with a filename")])
                            }
                            let name = try name(raw)
                            guard files[name] == nil else {
                                throw AcademyError.validationFailed([FieldError(field: "files.\(name)", message: "is sent twice")])
                            }
                            guard files.count < maximumFiles else {
                                throw AcademyError.validationFailed([FieldError(field: "files", message: "at most \(maximumFiles) files")])
                            }
                            let url = staging.appendingPathComponent(name)
                            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                            files[name] = url
                            current = try await FileSystem.shared.openFile(forWritingAt: FilePath(url.path), options: .newFile(replaceExisting: false))
                            written = 0
                        }
                        try await current?.write(contentsOf: buffer, toAbsoluteOffset: written)
                        written += Int64(buffer.readableBytes)
                    case .end:
                        try await current?.close()
                        current = nil
                        filename = nil
                    }
                }
            }
        } catch {
            try? await current?.close()
            throw error
        }
        try? await current?.close()
        return files
    }


    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The `filename` of `Content-Disposition: form-data; name="file"; filename="ar.md"`.
    static func filename(inDisposition value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "filename" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

/// What the synchronous multipart parser reported while one chunk was fed to it.
private final class PartCollector {
    enum Event {
        case header(String, String)
        case body(ByteBuffer)
        case end
    }

    var events: [Event] = []
}
