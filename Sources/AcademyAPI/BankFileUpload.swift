import AcademyCore
package import AcademyServices
import Foundation
package import Hummingbird

/// A question file sent from a web form: a multipart body whose text fields (its token first)
/// go to `admit` before any byte of the file is kept, then the one file, read whole (an import
/// checks all of it before storing anything) up to the import limit.
package struct BankFileUpload: Sendable {
    let dataDirectory: String
    let maximumBytes: Int

    package struct Form: Sendable {
        package let fields: [String: String]
        package let file: [UInt8]?
        package let format: QuestionBankService.Format
    }

    package func read(_ request: Request, admit: @escaping @Sendable ([String: String]) throws -> Void) async throws -> Form {
        guard let contentType = request.headers[.contentType], let boundary = MultipartStaging.boundary(of: contentType) else {
            throw AcademyError.unsupportedMediaType(expected: "multipart/form-data")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBytes {
            throw AcademyError.payloadTooLarge(limit: maximumBytes)
        }
        let staging = URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads").appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        var multipart = MultipartStaging(maximumBytes: maximumBytes, maximumFiles: 1) { raw throws(AcademyError) in
            // Only its extension matters: it says the format.
            raw.lowercased().hasSuffix(".xml") ? "questions.xml" : "questions.txt"
        }
        multipart.admit = admit
        let form = try await multipart.stageForm(request.body, boundary: boundary, into: staging)
        guard let (name, url) = form.files.first else { return Form(fields: form.fields, file: nil, format: .gift) }
        let bytes = Array(try Data(contentsOf: url))
        return Form(fields: form.fields, file: bytes, format: Self.format(named: name, bytes: bytes))
    }

    /// `.xml`, or a file that opens with `<` (after a byte order mark and spaces), is Moodle XML.
    static func format(named name: String, bytes: [UInt8]) -> QuestionBankService.Format {
        if name.hasSuffix(".xml") { return .moodleXML }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        return start.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "<") ? .moodleXML : .gift
    }
}

extension AppDependencies {
    package var bankFileUpload: BankFileUpload {
        BankFileUpload(dataDirectory: configuration.dataDirectory, maximumBytes: configuration.maxUploadBytes)
    }
}
