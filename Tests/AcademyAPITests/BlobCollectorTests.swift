import AcademyAPI
import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `academy blobs gc` (BlobCollector): unreferenced files go once older than the grace period;
/// an attachment's file, a bank question's image and a young file stay.
@Suite struct BlobCollectorTests {
    @Test(arguments: TestFileStore.allCases)
    func unreferencedFilesGoAfterTheGracePeriodAndReferencedOnesStay(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                let scene = try await client.courseScene(app: app)
                let kept = AttachmentTests.png
                let attached = try await AttachmentTests().upload(client, lesson: scene.lesson, bytes: kept, type: "image/png", name: "kept.png", token: scene.teacher)
                #expect(attached.status == .created)
                // A second lesson's file, unreferenced once the lesson is deleted.
                let second = try #require(try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                    "module_id": scene.module, "translations": ["ar": ["title": "الباء", "body_markdown": "ب"]],
                ], token: scene.teacher).json["id"] as? String)
                let dropped = Array(kept.prefix(8)) + Array(repeating: UInt8(42), count: 500)
                #expect(try await AttachmentTests().upload(client, lesson: second, bytes: dropped, type: "image/png", name: "dropped.png", token: scene.teacher).status == .created)
                #expect(try await client.send(.delete, "/api/v1/lessons/\(second)", token: scene.teacher).status == .noContent)
                // A bank question's image.
                let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <quiz><question type="truefalse"><name><text>alif-shape</text></name>
                <questiontext format="html"><text><![CDATA[<p>شكل الألف</p><p><img src="@@PLUGINFILE@@/alif.png"></p>]]></text>
                <file name="alif.png" path="/" encoding="base64">\(QuestionBankAPITests.pngBase64)</file></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>
                """
                let imported = try await client.send(.post, "\(QuestionBankAPITests.base)/import", body: Array(xml.utf8), contentType: "application/xml", token: scene.teacher)
                #expect(imported.status == .created, "\(imported.text)")
                let image = Array(Data(base64Encoded: QuestionBankAPITests.pngBase64)!)
                // A file no row knows (an import refused after its files were stored).
                let orphan = try await app.blobs.store(bytes: Array(kept.prefix(8)) + Array(repeating: UInt8(9), count: 300), limit: 10_000, mediaType: "image/png")

                let collector = BlobCollector(database: app.database, blobs: app.blobs)
                let young = try await collector.collect(grace: .seconds(3600), dryRun: false)
                #expect(young.removed.isEmpty && young.keptYoung == 2 && young.keptReferenced == 2, "everything is younger than an hour")

                let later = Date().addingTimeInterval(2 * 3600)
                let dry = try await collector.collect(grace: .seconds(3600), dryRun: true, now: later)
                #expect(Set(dry.removed.map(\.sha256)) == [SHA256Digest.hex(of: dropped), orphan.sha256])
                #expect(try await store.stored(orphan.sha256) != nil, "a dry run removes nothing")

                let report = try await collector.collect(grace: .seconds(3600), dryRun: false, now: later)
                #expect(Set(report.removed.map(\.sha256)) == [SHA256Digest.hex(of: dropped), orphan.sha256])
                #expect(report.keptReferenced == 2)
                #expect(try await store.stored(SHA256Digest.hex(of: dropped)) == nil)
                #expect(try await store.stored(orphan.sha256) == nil)
                #expect(try await store.stored(SHA256Digest.hex(of: kept)) == kept)
                #expect(try await store.stored(SHA256Digest.hex(of: image)) == image)
                // Forgotten in the database too: a backup lists only what is there.
                let listed = try await FileInventory(database: app.database).storedFiles().map(\.sha256)
                #expect(Set(listed) == [SHA256Digest.hex(of: kept), SHA256Digest.hex(of: image)])
                // Not while a backup is being made: it must find every file its dump refers to.
                let inventory = FileInventory(database: app.database)
                await #expect(throws: BackupError.self) {
                    try await inventory.whileBackingUp { try await collector.collect(grace: .seconds(3600), dryRun: false, now: later.addingTimeInterval(3600)) }
                }
                let id = try #require(attached.json["id"] as? String)
                #expect(Array(try await client.send(.get, "/api/v1/attachments/\(id)", token: scene.teacher).body.readableBytesView) == kept)
            }
        }
    }
}
