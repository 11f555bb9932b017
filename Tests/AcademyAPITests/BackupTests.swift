import AcademyAPI
import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `academy backup` / `academy restore` (BackupService): what was backed up comes back whole into
/// another, empty database and another file store; nothing damaged or non-empty is restored into.
@Suite struct BackupTests {
    /// What the first academy served, to compare with what the restored one serves.
    struct Served: Sendable {
        let course: String
        let attachment: String
        let attemptResult: String
        let certificate: String
    }

    @Test(arguments: TestFileStore.allCases)
    func aBackupRestoredIntoAFreshClusterServesTheSameAcademy(in fileStore: TestFileStore) async throws {
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: backup) }
        let png = AttachmentTests.png
        let (served, ids) = try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                let scene = try await client.courseScene(app: app)
                let quiz = try await client.makeQuiz(module: scene.module, token: scene.teacher)
                let uploaded = try await AttachmentTests().upload(client, lesson: scene.lesson, bytes: png, type: "image/png", name: "لوحة.png", token: scene.teacher)
                let attachment = try #require(uploaded.json["id"] as? String)
                let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina).json["id"] as? String)
                for (question, response) in [("q1", ["option_id": "b"]), ("q2", ["value": true]), ("q3", ["text": "alif"])] as [(String, [String: Any])] {
                    let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": response, "seq": 1], token: scene.amina)
                    #expect(saved.status == .ok, "\(saved.text)")
                }
                #expect(try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina).status == .ok)
                _ = try await client.send(.post, "/api/v1/lessons/\(scene.lesson)/complete", token: scene.amina)
                let certificate = try #require(
                    (try await client.send(.get, "/api/v1/me/certificates", token: scene.amina).json["items"] as? [[String: Any]])?.first?["id"] as? String
                )
                let manifest = try await BackupService(
                    databaseURL: app.configuration.databaseURL, database: app.database, migrator: app.migrator, blobs: app.blobs
                ).backup(to: backup)
                #expect(manifest.blobs.map(\.sha256) == [SHA256Digest.hex(of: png)])
                #expect(manifest.schemaVersion == app.migrator.migrations.map(\.version).max())
                let served = Served(
                    course: try await client.send(.get, "/api/v1/courses/arabic-script", token: scene.amina).text,
                    attachment: attachment,
                    attemptResult: try await client.send(.get, "/api/v1/attempts/\(attempt)", token: scene.amina).text,
                    certificate: try await client.send(.get, "/api/v1/certificates/\(certificate)").text
                )
                return (served, (attempt: attempt, certificate: certificate))
            }
        }
        #expect(served.certificate.contains("\"valid\":true"))

        // Another cluster, another store: nothing shared with the first but the backup folder.
        try await TestDatabases.withEmptyDatabase(on: try TestDatabases.freshServerURL()) { url in
            try await fileStore.withStore { store in
                let restore = { @Sendable (folder: URL) async throws -> BackupManifest in
                    try await TestDatabases.withDatabase(url) { database in
                        try await BackupService(
                            databaseURL: url, database: database, migrator: Migrator(database: database, migrations: try Migration.bundled()),
                            blobs: store.blobs
                        ).restore(from: folder)
                    }
                }
                // A damaged file stops the restore before the database is touched.
                let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: damaged) }
                try FileManager.default.copyItem(at: backup, to: damaged)
                let file = damaged.appendingPathComponent(BackupManifest.blobPath(for: SHA256Digest.hex(of: png)))
                try Data(png.dropLast() + [0]).write(to: file)
                await #expect(throws: BackupError.self) { _ = try await restore(damaged) }
                #expect(try await TestDatabases.withDatabase(url) { try await FileInventory(database: $0).holdsNothing() })

                let manifest = try await restore(backup)
                #expect(manifest.blobs.count == 1)
                #expect(try await store.stored(SHA256Digest.hex(of: png)) == png)
                // Into a database that holds anything: refused.
                let again = await #expect(throws: BackupError.self) { _ = try await restore(backup) }
                #expect(again?.description.contains("not empty") == true)

                try await TestApp.run(databaseURL: url, overrides: store.settings) { client in
                    let amina = try await client.login("amina@example.org")
                    #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: amina).text == served.course)
                    #expect(try await client.send(.get, "/api/v1/attempts/\(ids.attempt)", token: amina).text == served.attemptResult)
                    #expect(try await client.send(.get, "/api/v1/certificates/\(ids.certificate)").text == served.certificate)
                    let downloaded = try await client.send(.get, "/api/v1/attachments/\(served.attachment)", token: amina)
                    #expect(downloaded.status == .ok)
                    #expect(Array(downloaded.body.readableBytesView) == png)
                }
            }
        }
    }

    @Test func aManifestThatPointsOutsideItsFolderOrIsNewerIsRefused() {
        let sha = String(repeating: "a", count: 64)
        let database = BackupManifest.File(path: BackupManifest.databaseFile, sha256: sha, size: 1)
        let good = BackupManifest(createdAt: Date(), schemaVersion: 16, database: database, blobs: [.init(path: BackupManifest.blobPath(for: sha), sha256: sha, size: 1)])
        #expect(good.problems(newestKnownSchema: 16).isEmpty)
        #expect(good.problems(newestKnownSchema: 15).first?.contains("restore with a newer academy") == true)
        let escaping = BackupManifest(createdAt: Date(), schemaVersion: 16, database: database, blobs: [.init(path: "../../etc/passwd", sha256: sha, size: 1)])
        #expect(escaping.problems(newestKnownSchema: 16) == ["the manifest lists ../../etc/passwd, which is not a stored file's place"])
        let wrongDump = BackupManifest(createdAt: Date(), schemaVersion: 16, database: .init(path: "/etc/shadow", sha256: sha, size: 1), blobs: [])
        #expect(wrongDump.problems(newestKnownSchema: 16).count == 1)
    }
}
