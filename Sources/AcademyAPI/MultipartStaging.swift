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
    /// A web form's text fields, sent before its files (its token first), are collected (small,
    /// in memory) and `admit` decides on them before any file byte is staged. Without `admit`,
    /// every part must be a file.
    var admit: (@Sendable ([String: String]) throws -> Void)?

    static let maximumFieldBytes = 16 * 1024

    init(maximumBytes: Int, maximumFiles: Int, name: @escaping @Sendable (String) throws(AcademyError) -> String) {
        self.maximumBytes = maximumBytes
        self.maximumFiles = maximumFiles
        self.name = name
    }

    /// The staged files by staged name.
    func stage(_ body: RequestBody, boundary: String, into staging: URL) async throws -> [String: URL] {
        try await stageForm(body, boundary: boundary, into: staging).files
    }

    /// The text fields (only with `admit`) and the staged files by staged name. A file input
    /// left empty (a part with an empty file name) is no file.
    func stageForm(_ body: RequestBody, boundary: String, into staging: URL) async throws -> (fields: [String: String], files: [String: URL]) {
        let collector = PartCollector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.events.append(.header(name, value)) }
        parser.onBody = { buffer in collector.events.append(.body(buffer)) }
        parser.onPartComplete = { collector.events.append(.end) }
        var files: [String: URL] = [:]
        var fields: [String: String] = [:]
        var admitted = admit == nil
        var total = 0
        var fieldBytes = 0
        var filename: String?
        var fieldName: String?
        var fieldValue = ByteBuffer()
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
                        filename = Self.parameter("filename", inDisposition: value)
                        fieldName = Self.parameter("name", inDisposition: value)
                    case .header:
                        break
                    case .body(let buffer):
                        if filename == "" { continue }
                        guard let raw = filename else {
                            guard admit != nil, files.isEmpty, fieldName != nil else {
                                throw AcademyError.validationFailed([FieldError(field: "files", message: "every part must be a file with a filename")])
                            }
                            fieldBytes += buffer.readableBytes
                            guard fieldBytes <= Self.maximumFieldBytes else { throw AcademyError.payloadTooLarge(limit: Self.maximumFieldBytes) }
                            fieldValue.writeImmutableBuffer(buffer)
                            continue
                        }
                        if !admitted {
                            try admit?(fields)
                            admitted = true
                        }
                        if current == nil {
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
                        if admit != nil, filename == nil, let fieldName, files.isEmpty {
                            fields[fieldName] = String(buffer: fieldValue)
                        }
                        fieldValue.clear()
                        filename = nil
                        fieldName = nil
                    }
                }
            }
        } catch {
            try? await current?.close()
            throw error
        }
        try? await current?.close()
        if !admitted {
            try admit?(fields)
        }
        return (fields, files)
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

    /// A parameter of `Content-Disposition: form-data; name="file"; filename="ar.md"`.
    static func parameter(_ key: String, inDisposition value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
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
