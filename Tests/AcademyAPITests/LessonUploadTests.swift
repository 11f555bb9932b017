import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyCrypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct LessonUploadTests {
    static let arabic = "---\ntitle: \"الباء\"\n---\n# الباء\n\nانظر [ورقة العمل](attachments/ورقة.pdf) و![صورة](ba.png)\n"
    static let english = "---\ntitle: \"Ba\"\n---\n# Ba\n\nSee the [worksheet](attachments/ورقة.pdf).\n"
    static let pdf = Array("%PDF-1.7\n".utf8) + Array(repeating: 0x20, count: 600)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 100)

    /// A form's text `fields` (first, as browsers send the fields before a file input) and `files`.
    static func multipart(_ files: [(String, [UInt8])], fields: [(String, String)] = [], boundary: String = "AcademyBoundary42") -> ByteBuffer {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, bytes) in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    /// A zip (written byte by byte, as no tool would) with one stored file and `count` central
    /// directory records that all point at it.
    static func zipWithOverlappingRecords(_ count: Int) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16((value >> 16) & 0xFFFF) }
        let name = Array("ar.md".utf8), content = Array("x".utf8)
        let crc = 0x8CDC1683  // CRC-32 of "x"
        var zip = le32(0x04034B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
            + le32(crc) + le32(content.count) + le32(content.count) + le16(name.count) + le16(0) + name + content
        let directoryOffset = zip.count
        for index in 0..<count {
            let recordName = Array(String(format: "f%05d.md", index).utf8)
            zip += le32(0x02014B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
                + le32(crc) + le32(content.count) + le32(content.count) + le16(recordName.count) + le16(0) + le16(0)
                + le16(0) + le16(0) + le32(0) + le32(0) + recordName
        }
        let directorySize = zip.count - directoryOffset
        zip += le32(0x06054B50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(directorySize) + le32(directoryOffset) + le16(0)
        return zip
    }

    /// A zip made by the system's `zip`, so the test reads what real tools write.
    static func zip(_ files: [(String, [UInt8])]) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, bytes) in files {
            let url = folder.appendingPathComponent("lesson").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.currentDirectoryURL = folder
        process.arguments = ["-c", "import shutil; shutil.make_archive('upload', 'zip', '.', 'lesson')"]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: folder.appendingPathComponent("upload.zip")))
    }

    func post(_ client: any TestClientProtocol, _ body: ByteBuffer, type: String, module: String, token: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/courses/arabic-script/lessons/upload?module_id=\(module)&position=1", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: type], body: body
        )
    }

    @Test(arguments: TestFileStore.allCases)
    func aMultipartLessonFolderBecomesALessonWithAttachments(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (module, _) = try await client.makeCourse(token: teacher)
                let response = try await post(client, Self.multipart([
                    ("ar.md", Array(Self.arabic.utf8)), ("en.md", Array(Self.english.utf8)),
                    ("attachments/ورقة.pdf", Self.pdf), ("ba.png", Self.png),
                ]), type: "multipart/form-data; boundary=AcademyBoundary42", module: module, token: teacher)
                #expect(response.status == .created, "\(response.text)")
                #expect(response.json["position"] as? Int == 1)
                let attachments = try #require(response.json["attachments"] as? [[String: Any]])
                #expect(Set(attachments.compactMap { $0["filename"] as? String }) == ["ورقة.pdf", "ba.png"])
                let pdfURL = try #require(attachments.first { $0["filename"] as? String == "ورقة.pdf" }?["url"] as? String)
                let pngURL = try #require(attachments.first { $0["filename"] as? String == "ba.png" }?["url"] as? String)
                let html = try #require(response.json["body_html"] as? String)
                #expect(html.contains("href=\"\(pdfURL)\""))
                #expect(html.contains("src=\"\(pngURL)\""))
                #expect(response.json["body_markdown"] as? String == "# الباء\n\nانظر [ورقة العمل](attachments/ورقة.pdf) و![صورة](ba.png)\n")
                let download = try await client.send(.get, pdfURL, token: teacher)
                #expect(Array(download.body.readableBytesView) == Self.pdf)
                #expect(try await store.stored(SHA256Digest.hex(of: Self.pdf)) == Self.pdf)
                #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(store.folder)/uploads")) ?? []).isEmpty)
            }
        }
    }

    @Test func aZipOfTheFolderWorksTheSame() async throws {
        try await TestFileStore.folder.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (module, _) = try await client.makeCourse(token: teacher)
                let zip = try Self.zip([("ar.md", Array(Self.arabic.utf8)), ("attachments/ورقة.pdf", Self.pdf), ("attachments/ba.png", Self.png)])
                let response = try await post(client, ByteBuffer(bytes: zip), type: "application/zip", module: module, token: teacher)
                #expect(response.status == .created, "\(response.text)")
                #expect((response.json["attachments"] as? [Any])?.count == 2)
                #expect(response.json["title"] as? String == "الباء")
            }
        }
    }

    @Test func refusesBadFoldersAndZipBombs() async throws {
        try await TestFileStore.folder.withStore { store in
            try await TestApp.withApp(overrides: store.settings.merging(["ACADEMY_MAX_UPLOAD_BYTES": "100000"]) { _, new in new }) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (module, _) = try await client.makeCourse(token: teacher)
                let multipart = "multipart/form-data; boundary=AcademyBoundary42"

                let malformed = try await post(client, ByteBuffer(string: "--AcademyBoundary42--\r\n"), type: multipart, module: module, token: teacher)
                #expect(malformed.status == .badRequest, "\(malformed.text)")
                #expect((malformed.json["detail"] as? String)?.contains("multipart") == true)
                let noDefault = try await post(client, Self.multipart([("en.md", Array(Self.english.utf8))]), type: multipart, module: module, token: teacher)
                #expect((noDefault.json["errors"] as? [[String: String]])?.first?["field"] == "files.ar.md")
                let brokenFrontMatter = try await post(client, Self.multipart([("ar.md", Array("no front matter".utf8))]), type: multipart, module: module, token: teacher)
                #expect((brokenFrontMatter.json["errors"] as? [[String: String]])?.first?["message"]?.hasPrefix("line 1:") == true)
                let traversal = try await post(client, Self.multipart([("ar.md", Array(Self.arabic.utf8)), ("../../etc/passwd", Array("x".utf8))]), type: multipart, module: module, token: teacher)
                #expect(traversal.status == .unprocessableContent)
                let exe = try await post(client, Self.multipart([("ar.md", Array(Self.arabic.utf8)), ("tool.exe", Array("MZ".utf8))]), type: multipart, module: module, token: teacher)
                #expect(exe.status == .unprocessableContent)
                let lyingPDF = try await post(client, Self.multipart([("ar.md", Array(Self.arabic.utf8)), ("x.pdf", Array("not a pdf".utf8))]), type: multipart, module: module, token: teacher)
                #expect(lyingPDF.status == .unprocessableContent)
                let wrongModule = try await client.execute(
                    uri: "/api/v1/courses/arabic-script/lessons/upload?module_id=\(UUID())", method: .post,
                    headers: [.authorization: "Bearer \(teacher)", .contentType: multipart], body: Self.multipart([("ar.md", Array(Self.arabic.utf8))])
                )
                #expect(wrongModule.status == .unprocessableContent)
                let json = try await post(client, ByteBuffer(string: "{}"), type: "application/json", module: module, token: teacher)
                #expect(json.status == .unsupportedMediaType)

                // A zip bomb: a small archive that inflates far past the limit.
                let bomb = try Self.zip([("ar.md", Array(Self.arabic.utf8)), ("attachments/big.txt", Array(repeating: 0x41, count: 5_000_000))])
                #expect(bomb.count < 100_000)
                let exploded = try await post(client, ByteBuffer(bytes: bomb), type: "application/zip", module: module, token: teacher)
                #expect(exploded.status == .contentTooLarge)
                let garbage = try await post(client, ByteBuffer(string: "PK not really a zip"), type: "application/zip", module: module, token: teacher)
                #expect(garbage.status == .unprocessableContent)
                // 1,500 directory records that all point at one stored file: refused at the bound,
                // without reading the rest of the directory.
                let crowded = try await post(client, ByteBuffer(bytes: Self.zipWithOverlappingRecords(1_500)), type: "application/zip", module: module, token: teacher)
                #expect(crowded.status == .unprocessableContent)
                #expect((crowded.json["errors"] as? [[String: String]])?.first?["message"] == "the zip holds more than 200 files (or 1000 entries of any kind)")

                // Nothing of the refused uploads is left, and no lesson was added.
                #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(store.folder)/uploads")) ?? []).isEmpty)
                let lessons = try await client.send(.get, "/api/v1/courses/arabic-script/translations", token: teacher)
                #expect((lessons.json["missing"] as? [[String: Any]])?.filter { $0["kind"] as? String == "lesson" }.count == 1)
            }
        }
    }
}
