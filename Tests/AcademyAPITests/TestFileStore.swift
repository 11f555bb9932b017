import AcademyServices
import Foundation
import Testing

/// Where a test app keeps uploaded files: its own data folder, or a fresh bucket on the
/// S3-compatible server that Scripts/test starts (`TEST_S3_ENDPOINT`, moto's server mode). Tests of
/// files run against both, so the bucket passes the same tests as the folder.
enum TestFileStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case folder
    case bucket

    var testDescription: String { rawValue }

    /// Runs `body` with a data folder of its own (removed afterwards) and, for `.bucket`, a new
    /// bucket; the settings to give the app and a view of what is stored come with it.
    func withStore<Value>(_ body: (Store) async throws -> Value) async throws -> Value {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("academy-files-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environmentSettings = ["ACADEMY_DATA_DIR": folder]
        var bucket: S3Bucket.Settings?
        if self == .bucket {
            let environment = ProcessInfo.processInfo.environment
            guard let endpoint = environment["TEST_S3_ENDPOINT"], let keyID = environment["TEST_S3_ACCESS_KEY_ID"],
                  let secret = environment["TEST_S3_SECRET_ACCESS_KEY"]
            else {
                throw TestFileStoreError()
            }
            let settings = S3Bucket.Settings(
                endpoint: endpoint, region: "us-east-1", bucket: "academy-test-\(UUID().uuidString.lowercased().prefix(18))",
                accessKeyID: keyID, secretAccessKey: secret
            )
            environmentSettings.merge(Self.environment(of: settings)) { _, new in new }
            try await S3Bucket(settings).create()
            bucket = settings
        }
        return try await body(Store(
            settings: environmentSettings, folder: folder, blobs: BlobStore(dataDirectory: folder, bucket: bucket.map { S3Bucket($0) })
        ))
    }

    /// The variables that point academy at a bucket.
    static func environment(of bucket: S3Bucket.Settings) -> [String: String] {
        [
            "ACADEMY_BLOB_STORE": "s3", "ACADEMY_S3_ENDPOINT": bucket.endpoint ?? "", "ACADEMY_S3_REGION": bucket.region,
            "ACADEMY_S3_BUCKET": bucket.bucket, "ACADEMY_S3_ACCESS_KEY_ID": bucket.accessKeyID,
            "ACADEMY_S3_SECRET_ACCESS_KEY": bucket.secretAccessKey,
        ]
    }

    struct Store: Sendable {
        /// Environment overrides for `TestApp`.
        let settings: [String: String]
        let folder: String
        let blobs: BlobStore

        /// The stored bytes of a file, nil when it is not stored. A file in the bucket must not also
        /// be left in the folder.
        func stored(_ sha256: String) async throws -> [UInt8]? {
            let local = "\(folder)/blobs/\(sha256.prefix(2))/\(sha256)"
            guard let bucket = blobs.bucket else {
                return FileManager.default.contents(atPath: local).map(Array.init)
            }
            #expect(!FileManager.default.fileExists(atPath: local), "a file stored in the bucket was left in the folder")
            return try await bucket.lastModified(BlobStore.key(for: sha256)) != nil ? try await blobs.bytes(of: sha256) : nil
        }

        /// Files of uploads under way or abandoned: none once every request is answered.
        var staged: [String] {
            (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/blobs/tmp")) ?? []
        }
    }
}

struct TestFileStoreError: Error, CustomStringConvertible {
    var description: String {
        "TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY_ID and TEST_S3_SECRET_ACCESS_KEY are not set: run the tests with Scripts/test, which starts an S3-compatible server"
    }
}
