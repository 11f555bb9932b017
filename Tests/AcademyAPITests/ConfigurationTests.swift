import AcademyAPI
import AcademyServices
import AcademyStore
import Foundation
import Logging
import Testing

@Suite struct ConfigurationTests {
    static let minimal = ["ACADEMY_DATABASE_URL": "postgres://academy:pw@127.0.0.1:54329/academy?sslmode=disable"]

    func problems(_ environment: [String: String]) -> [ConfigurationError.Problem] {
        do {
            _ = try AppConfiguration(environment: environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func defaultsApplyWhenOnlyTheDatabaseIsSet() throws {
        let configuration = try AppConfiguration(environment: Self.minimal)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.listenBacklog == 4096)
        #expect(configuration.maxRequestsInFlight == 64)
        #expect(configuration.maxBodyBytes == 2 * 1024 * 1024)
        #expect(configuration.autoMigrate)
        #expect(configuration.logLevel == .info)
        #expect(configuration.databaseURL.database == "academy")
        #expect(configuration.databaseURL.tlsMode == .disable)
    }

    @Test func everyBadValueIsNamedWithWhatItAccepts() {
        let found = problems(Self.minimal.merging([
            "ACADEMY_PORT": "eighty",
            "ACADEMY_AUTO_MIGRATE": "maybe",
            "ACADEMY_LOG_LEVEL": "loud",
            "ACADEMY_MAX_BODY_BYTES": "-1",
            "ACADEMY_DATABASE_POOL_SIZE": "0",
            "ACADEMY_LISTEN_BACKLOG": "8",
        ]) { $1 })
        #expect(found.map(\.variable) == [
            "ACADEMY_PORT", "ACADEMY_LISTEN_BACKLOG", "ACADEMY_LOG_LEVEL", "ACADEMY_MAX_BODY_BYTES", "ACADEMY_AUTO_MIGRATE", "ACADEMY_DATABASE_POOL_SIZE",
        ])
        let port = found.first { $0.variable == "ACADEMY_PORT" }
        #expect(port?.message == #""eighty" is not valid; expected an integer from 0 to 65535 (0 picks a free port)"#)
    }

    @Test func missingDatabaseURLIsNamed() {
        let found = problems([:])
        #expect(found.map(\.variable) == ["ACADEMY_DATABASE_URL"])
        #expect(found.first?.message.contains("is not set") == true)
    }

    @Test func badDatabaseURLIsExplainedWithoutEchoingIt() {
        for url in ["mysql://u:hunter2@h/db", "postgres://u:hunter2@h:99999/db", "postgres://u:hunter2@h/", "postgres://u:hunter2@h/db?sslmode=sometimes"] {
            let found = problems(["ACADEMY_DATABASE_URL": url])
            #expect(found.map(\.variable) == ["ACADEMY_DATABASE_URL"], "\(url)")
            #expect(!(found.first?.message.contains("hunter2") ?? true), "\(url)")
        }
    }

    @Test func theBlobStoreIsTheFolderUnlessABucketIsNamedInFull() throws {
        #expect(try AppConfiguration(environment: Self.minimal).blobBucket == nil)
        let bucket = try AppConfiguration(environment: Self.minimal.merging([
            "ACADEMY_BLOB_STORE": "s3", "ACADEMY_S3_ENDPOINT": "http://127.0.0.1:9000", "ACADEMY_S3_BUCKET": "academy-files",
            "ACADEMY_S3_ACCESS_KEY_ID": "AKIDEXAMPLE", "ACADEMY_S3_SECRET_ACCESS_KEY": "hunter2",
        ]) { $1 }).blobBucket
        #expect(bucket == S3Bucket.Settings(
            endpoint: "http://127.0.0.1:9000", region: "us-east-1", bucket: "academy-files", accessKeyID: "AKIDEXAMPLE", secretAccessKey: "hunter2"
        ))

        let found = problems(Self.minimal.merging([
            "ACADEMY_BLOB_STORE": "s3", "ACADEMY_S3_ENDPOINT": "ftp://files.example.org/academy", "ACADEMY_S3_BUCKET": "Academy_Files",
            "ACADEMY_S3_REGION": "EU West", "ACADEMY_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        ]) { $1 })
        #expect(found.map(\.variable) == [
            "ACADEMY_S3_ENDPOINT", "ACADEMY_S3_REGION", "ACADEMY_S3_BUCKET", "ACADEMY_S3_SECRET_ACCESS_KEY",
        ])
        #expect(problems(Self.minimal.merging(["ACADEMY_BLOB_STORE": "nfs"]) { $1 }).map(\.variable) == ["ACADEMY_BLOB_STORE"])
    }

    @Test func bucketCredentialsComeFromAnAWSCredentialsFileWithoutBeingEchoed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let s3 = Self.minimal.merging(["ACADEMY_BLOB_STORE": "s3", "ACADEMY_S3_BUCKET": "academy-files", "ACADEMY_S3_REGION": "eu-central-1"]) { $1 }
        try "# academy\n[other]\naws_access_key_id = WRONG\n[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = hunter2/secret\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let bucket = try AppConfiguration(environment: s3.merging(["ACADEMY_S3_CREDENTIALS_FILE": file.path]) { $1 }).blobBucket
        #expect(bucket?.accessKeyID == "AKIDEXAMPLE")
        #expect(bucket?.secretAccessKey == "hunter2/secret")
        #expect(bucket?.endpoint == nil, "no endpoint: AWS itself")
        #expect(!"\(bucket!)".contains("hunter2") && !String(reflecting: bucket!).contains("hunter2"), "the secret is in no description")

        try "[default]\naws_access_key_id = AKIDEXAMPLE\n".write(to: file, atomically: true, encoding: .utf8)
        let incomplete = problems(s3.merging(["ACADEMY_S3_CREDENTIALS_FILE": file.path]) { $1 })
        #expect(incomplete.map(\.variable) == ["ACADEMY_S3_CREDENTIALS_FILE"])
        let missing = problems(s3.merging(["ACADEMY_S3_CREDENTIALS_FILE": "/nonexistent/credentials"]) { $1 })
        #expect(missing.first?.message == "/nonexistent/credentials cannot be read")
        let secretOnly = problems(s3.merging(["ACADEMY_S3_SECRET_ACCESS_KEY": "hunter2"]) { $1 })
        #expect(secretOnly.map(\.variable) == ["ACADEMY_S3_ACCESS_KEY_ID"])
        #expect(!secretOnly.contains { $0.message.contains("hunter2") })
    }

    @Test func aReplicaIsOptionalAndABadOneIsNamedWithoutItsPassword() throws {
        #expect(try AppConfiguration(environment: Self.minimal).databaseReplicaURL == nil)
        let replica = try AppConfiguration(environment: Self.minimal.merging([
            "ACADEMY_DATABASE_REPLICA_URL": "postgres://academy:pw@10.0.0.2:5432/academy", "ACADEMY_REPLICA_MAX_LAG_SECONDS": "10",
        ]) { $1 })
        #expect(replica.databaseReplicaURL?.host == "10.0.0.2" && replica.replicaMaxLagSeconds == 10)
        let found = problems(Self.minimal.merging([
            "ACADEMY_DATABASE_REPLICA_URL": "mysql://u:hunter2@h/db", "ACADEMY_REPLICA_MAX_LAG_SECONDS": "0",
        ]) { $1 })
        #expect(found.map(\.variable) == ["ACADEMY_DATABASE_REPLICA_URL", "ACADEMY_REPLICA_MAX_LAG_SECONDS"])
        #expect(!found.contains { $0.message.contains("hunter2") })
    }

    @Test func misspeltVariablesAreRefused() {
        let found = problems(Self.minimal.merging(["ACADEMY_PROT": "9000"]) { $1 })
        #expect(found.map(\.variable) == ["ACADEMY_PROT"])
        #expect(found.first?.message.contains("not a setting") == true)
    }

    @Test func descriptionListsEveryProblem() {
        let error = ConfigurationError(problems: [
            .init(variable: "ACADEMY_PORT", message: "bad"), .init(variable: "ACADEMY_HOST", message: "worse"),
        ])
        #expect(error.description == "Invalid configuration:\n  ACADEMY_PORT: bad\n  ACADEMY_HOST: worse")
    }

    @Test func readmeDocumentsEverySetting() throws {
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8
        )
        for setting in AppConfiguration.settings {
            #expect(readme.contains("| `\(setting.variable)` |"), "README.md lacks \(setting.variable)")
        }
    }
}
