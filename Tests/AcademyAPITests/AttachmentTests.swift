import AcademyAPI
import AcademyServices
import AcademyStore
import AcademyCore
import AcademyCrypto
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct AttachmentTests {
    /// A PNG signature followed by filler: enough for the type check, cheap to make.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 1_000)

    func upload(_ client: any TestClientProtocol, lesson: String, bytes: [UInt8], type: String, name: String, token: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = type
        headers[.authorization] = "Bearer \(token)"
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await client.execute(uri: "/api/v1/lessons/\(lesson)/attachments?filename=\(encoded)", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    @Test(arguments: TestFileStore.allCases)
    func uploadsAreContentAddressedAndServedWithRangesAndETags(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher)
                let name = "لوحة الحروف ١.png"
                let created = try await upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: name, token: teacher)
                #expect(created.status == .created, "\(created.text)")
                let sha = SHA256Digest.hex(of: Self.png)
                #expect(created.json["sha256"] as? String == sha)
                #expect(created.json["size"] as? Int == Self.png.count)
                #expect(created.json["filename"] as? String == name)
                #expect(created.json["content_type"] as? String == "image/png")
                #expect(try await store.stored(sha) == Self.png)

                // The same bytes again: a second attachment, one file.
                let again = try await upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: "copy.png", token: teacher)
                #expect(again.status == .created)
                #expect(again.json["sha256"] as? String == sha)
                if store.blobs.bucket == nil {
                    #expect(try FileManager.default.contentsOfDirectory(atPath: "\(store.folder)/blobs/\(sha.prefix(2))") == [sha])
                }
                #expect(store.staged.isEmpty)

                let listed = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: teacher)
                #expect((listed.json["attachments"] as? [[String: Any]])?.compactMap { $0["filename"] as? String } == [name, "copy.png"])

                let id = try #require(created.json["id"] as? String)
                let whole = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher)
                #expect(whole.status == .ok)
                #expect(Array(whole.body.readableBytesView) == Self.png)
                #expect(whole.headers[.eTag] == "\"\(sha)\"")
                #expect(whole.headers[.acceptRanges] == "bytes")
                #expect(whole.headers[.contentType] == "image/png")
                #expect(whole.headers[.contentDisposition]?.contains("filename*=UTF-8''%D9%84%D9%88%D8%AD%D8%A9") == true)

                let cached = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.ifNoneMatch: "\"\(sha)\""])
                #expect(cached.status == .notModified)
                #expect(cached.body.readableBytes == 0)

                let part = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.range: "bytes=0-7"])
                #expect(part.status == .partialContent)
                #expect(Array(part.body.readableBytesView) == Array(Self.png.prefix(8)))
                #expect(part.headers[.contentRange] == "bytes 0-7/\(Self.png.count)")
                let tail = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.range: "bytes=-10"])
                #expect(Array(tail.body.readableBytesView) == Array(Self.png.suffix(10)))
                let beyond = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.range: "bytes=99999-"])
                #expect(beyond.status == .rangeNotSatisfiable)
                #expect(beyond.headers[.contentRange] == "bytes */\(Self.png.count)")
            }
        }
    }

    @Test(arguments: TestFileStore.allCases)
    func aMultipartFormWithOneFileWorksToo(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher)
                let form = LessonUploadTests.multipart([("ورقة عمل.png", Self.png)])
                let created = try await client.execute(
                    uri: "/api/v1/lessons/\(lesson)/attachments", method: .post,
                    headers: [.authorization: "Bearer \(teacher)", .contentType: "multipart/form-data; boundary=AcademyBoundary42"], body: form
                )
                #expect(created.status == .created, "\(created.text)")
                #expect(created.json["filename"] as? String == "ورقة عمل.png")
                #expect(created.json["content_type"] as? String == "image/png")
                #expect(created.json["sha256"] as? String == SHA256Digest.hex(of: Self.png))
                #expect(try await store.stored(SHA256Digest.hex(of: Self.png)) == Self.png)
                #expect(store.staged.isEmpty)
                let two = LessonUploadTests.multipart([("a.png", Self.png), ("b.png", Self.png)])
                let refused = try await client.execute(
                    uri: "/api/v1/lessons/\(lesson)/attachments", method: .post,
                    headers: [.authorization: "Bearer \(teacher)", .contentType: "multipart/form-data; boundary=AcademyBoundary42"], body: two
                )
                #expect(refused.status == .unprocessableContent)
            }
        }
    }

    @Test(arguments: TestFileStore.allCases)
    func refusesWrongBytesUnknownTypesBadNamesAndStrangers(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                try await app.makeUser("student@example.org")
                let teacher = try await client.login("teacher@example.org")
                let student = try await client.login("student@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)

                let disguised = try await upload(client, lesson: lesson, bytes: Array("MZ\u{90}\u{0} an executable".utf8), type: "image/png", name: "cat.png", token: teacher)
                #expect(disguised.status == .unprocessableContent)
                #expect((disguised.json["errors"] as? [[String: String]])?.first?["field"] == "content_type")
                let unknown = try await upload(client, lesson: lesson, bytes: Self.png, type: "application/x-msdownload", name: "x.exe", token: teacher)
                #expect(unknown.status == .unsupportedMediaType)
                let badName = try await upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: "../../etc/passwd", token: teacher)
                #expect(badName.status == .unprocessableContent)
                let stranger = try await upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: "a.png", token: student)
                #expect(stranger.status == .forbidden)
                let missing = try await upload(client, lesson: UUID().uuidString, bytes: Self.png, type: "image/png", name: "a.png", token: teacher)
                #expect(missing.status == .notFound)
                // Nothing was kept of the refused uploads.
                let blobs = (try? FileManager.default.contentsOfDirectory(atPath: "\(store.folder)/blobs")) ?? []
                #expect(blobs.allSatisfy { $0 == "tmp" })
                #expect(store.staged.isEmpty)
                #expect(try await store.stored(SHA256Digest.hex(of: Self.png)) == nil)
                #expect(try await store.stored(SHA256Digest.hex(of: Array("MZ\u{90}\u{0} an executable".utf8))) == nil)
            }
        }
    }

    @Test(arguments: TestFileStore.allCases)
    func uploadsOverTheLimitAre413DeclaredOrStreamed(in fileStore: TestFileStore) async throws {
        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings.merging(["ACADEMY_MAX_UPLOAD_BYTES": "2048"]) { _, new in new }, setup: .live) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher)
                let big = Self.png + Array(repeating: 1, count: 4_000)
                let declared = try await upload(client, lesson: lesson, bytes: big, type: "image/png", name: "big.png", token: teacher)
                #expect(declared.status == .contentTooLarge)
                let streamed = try await upload(client, lesson: lesson, bytes: big, type: "image/png", name: "big.png", token: teacher, headers: [.transferEncoding: "chunked"])
                #expect(streamed.status == .contentTooLarge)
                #expect(store.staged.isEmpty)
                #expect(try await store.stored(SHA256Digest.hex(of: big)) == nil)
                let fits = try await upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: "small.png", token: teacher)
                #expect(fits.status == .created)
                #expect(try await store.stored(SHA256Digest.hex(of: Self.png)) == Self.png)
            }
        }
    }

    @Test func aLargeFileGoesToTheBucketInPartsAndComesBackInRanges() async throws {
        try await TestFileStore.bucket.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher)
                // Over one part (8 MiB): two parts, the second short.
                let large = Self.png + (0..<(8 * 1024 * 1024 + 300_000)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let created = try await upload(client, lesson: lesson, bytes: large, type: "image/png", name: "large.png", token: teacher)
                #expect(created.status == .created, "\(created.text)")
                let sha = SHA256Digest.hex(of: large)
                #expect(try await store.stored(sha) == large)
                let id = try #require(created.json["id"] as? String)
                let boundary = 8 * 1024 * 1024
                let across = try await client.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.range: "bytes=\(boundary - 5)-\(boundary + 4)"])
                #expect(across.status == .partialContent)
                #expect(Array(across.body.readableBytesView) == Array(large[(boundary - 5)...(boundary + 4)]))
                #expect(store.staged.isEmpty)
            }
        }
    }

    @Test func aBucketThatRefusesOrCannotBeReachedStoresNothingAndSaysWhose() async throws {
        try await TestFileStore.bucket.withStore { store in
            /// An instructor's upload through an app whose bucket settings differ from the store's in `changes`.
            func upload(changing changes: [String: String]) async throws -> TestResponse {
                try await TestApp.withApp(overrides: store.settings.merging(changes) { $1 }) { client, app in
                    try await app.makeUser("teacher@example.org", role: .instructor)
                    let teacher = try await client.login("teacher@example.org")
                    let (_, lesson) = try await client.makeCourse(token: teacher)
                    return try await self.upload(client, lesson: lesson, bytes: Self.png, type: "image/png", name: "a.png", token: teacher)
                }
            }
            // A store that refuses our signature is our misconfiguration, not the client's.
            let refused = try await upload(changing: ["ACADEMY_S3_SECRET_ACCESS_KEY": "not-the-secret"])
            #expect(refused.status == .internalServerError)
            #expect(!refused.text.contains("not-the-secret"))
            #expect(store.staged.isEmpty)
            #expect(try await store.stored(SHA256Digest.hex(of: Self.png)) == nil)
            // The check `academy serve` makes at start names what to fix.
            let bucket = try #require(store.blobs.bucket)
            #expect(await bucket.problem() == nil)
            let wrong = try AppConfiguration(environment: TestApp.environment(databaseURL: try DatabaseURL("postgres://u:p@h/d")).merging(store.settings) { $1 })
            var noSuchBucket = try #require(wrong.blobBucket)
            noSuchBucket.bucket = "no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())"
            #expect(await S3Bucket(noSuchBucket).problem()?.contains("no bucket named by ACADEMY_S3_BUCKET") == true)
            var wrongKey = try #require(wrong.blobBucket)
            wrongKey.secretAccessKey = "not-the-secret"
            #expect(await S3Bucket(wrongKey).problem()?.contains("refuses the key") == true)
            var nowhere = try #require(wrong.blobBucket)
            nowhere.endpoint = "http://127.0.0.1:9"
            #expect(await S3Bucket(nowhere).problem()?.contains("cannot be reached") == true)
            // A store that is down: try again later.
            let down = try await upload(changing: ["ACADEMY_S3_ENDPOINT": "http://127.0.0.1:9"])
            #expect(down.status == .serviceUnavailable, "\(down.text)")
            #expect(down.headers[.retryAfter] != nil)
            #expect(down.json["detail"] as? String == "The file storage cannot be reached. Retry later.", "no internals")
            #expect(store.staged.isEmpty)
        }
    }

    /// Two instances, each with a data folder of its own, share the database and the bucket: a
    /// file uploaded through one is served by the other.
    @Test func aFileUploadedThroughOneInstanceIsServedByAnother() async throws {
        try await TestFileStore.bucket.withStore { store in
            try await TestDatabases.withMigratedDatabase { url in
                try await TestApp.run(databaseURL: url, overrides: store.settings) { instanceA, app in
                    try await app.makeUser("teacher@example.org", role: .instructor)
                    let teacher = try await instanceA.login("teacher@example.org")
                    let (_, lesson) = try await instanceA.makeCourse(token: teacher)
                    let created = try await upload(instanceA, lesson: lesson, bytes: Self.png, type: "image/png", name: "a.png", token: teacher)
                    let id = try #require(created.json["id"] as? String)
                    let otherFolder = FileManager.default.temporaryDirectory.appendingPathComponent("academy-files-\(UUID().uuidString)").path
                    defer { try? FileManager.default.removeItem(atPath: otherFolder) }
                    try await TestApp.run(databaseURL: url, overrides: store.settings.merging(["ACADEMY_DATA_DIR": otherFolder]) { $1 }) { instanceB in
                        let served = try await instanceB.send(.get, "/api/v1/attachments/\(id)", token: teacher)
                        #expect(served.status == .ok)
                        #expect(Array(served.body.readableBytesView) == Self.png)
                        let part = try await instanceB.send(.get, "/api/v1/attachments/\(id)", token: teacher, headers: [.range: "bytes=1-3"])
                        #expect(Array(part.body.readableBytesView) == Array(Self.png[1...3]))
                    }
                }
            }
        }
    }
}
