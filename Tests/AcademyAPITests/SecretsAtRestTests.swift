import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// With ACADEMY_SECRETS_KEY_FILE, the session-signing secrets and the certificate private key are
/// sealed in the database, and everything that uses them works as before.
@Suite struct SecretsAtRestTests {
    static func keyFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("academy-secrets-\(UUID().uuidString).key").path
        let hex = SecureRandom.bytes(count: 32).map { String(format: "%02x", $0) }.joined()
        try Data((hex + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func sealedSecretsSignSessionsAndCertificates() async throws {
        let key = try Self.keyFile()
        defer { try? FileManager.default.removeItem(atPath: key) }
        try await TestApp.withApp(overrides: ["ACADEMY_SECRETS_KEY_FILE": key]) { client, app in
            let scene = try await client.courseScene(app: app)
            #expect(try await client.send(.get, "/api/v1/me", token: scene.amina).status == .ok)
            let signing = try await app.signingKeys.all()
            #expect(!signing.isEmpty && signing.allSatisfy { SecretSealer.isSealed($0.secret) && $0.secret.count == 64 })

            #expect(try await client.send(.post, "/api/v1/lessons/\(scene.lesson)/complete", token: scene.amina).status == .ok)
            let mine = try await client.send(.get, "/api/v1/me/certificates", token: scene.amina)
            let id = try #require((mine.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.send(.get, "/api/v1/certificates/\(id)").json["valid"] as? Bool == true)
            let certificateKeys = try await app.certificateKeys.keys()
            #expect(certificateKeys.count == 1 && SecretSealer.isSealed(certificateKeys[0].privateKey))
        }
    }

    @Test func startingWithAKeySealsWhatWasStoredPlainAndSessionsSurvive() async throws {
        let key = try Self.keyFile()
        defer { try? FileManager.default.removeItem(atPath: key) }
        try await TestDatabases.withMigratedDatabase { url in
            let token = try await TestApp.run(databaseURL: url) { client, app in
                try await app.makeUser("amina@example.org")
                _ = try await app.certificates.publicKeyPEM()
                let token = try await client.login("amina@example.org")
                #expect(try await app.signingKeys.all().allSatisfy { !SecretSealer.isSealed($0.secret) })
                return token
            }
            // The app's own start-up seals them too, perhaps at the same moment: whichever is
            // first, the other leaves the sealed value alone.
            try await TestApp.run(databaseURL: url, overrides: ["ACADEMY_SECRETS_KEY_FILE": key]) { client, app in
                try await app.secrets.sealStoredSecrets(signingKeys: app.signingKeys, certificates: app.certificateKeys)
                #expect(try await app.signingKeys.all().allSatisfy { SecretSealer.isSealed($0.secret) })
                #expect(try await app.certificateKeys.keys().allSatisfy { SecretSealer.isSealed($0.privateKey) })
                #expect(try await client.send(.get, "/api/v1/me", token: token).status == .ok)
                // Sealing twice changes nothing.
                let sealed = try await app.signingKeys.all().map(\.secret)
                try await app.secrets.sealStoredSecrets(signingKeys: app.signingKeys, certificates: app.certificateKeys)
                #expect(try await app.signingKeys.all().map(\.secret) == sealed)

                // Without the key, or with another, the start stops and says why. (Checked here
                // rather than by starting such an app, whose start-up service would stop it.)
                await #expect(throws: SecretsAtRestError.self) {
                    try await SecretsAtRest(sealer: nil).sealStoredSecrets(signingKeys: app.signingKeys, certificates: app.certificateKeys)
                }
                let error = await #expect(throws: SecretsAtRestError.self) {
                    try await SecretsAtRest(sealer: SecretSealer(key: SecureRandom.bytes(count: 32))).sealStoredSecrets(
                        signingKeys: app.signingKeys, certificates: app.certificateKeys
                    )
                }
                #expect(error?.description.contains("does not open") == true)
            }
        }
    }

    @Test func aBadKeyFileIsRefusedWithoutShowingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("academy-bad-\(UUID().uuidString).key").path
        try Data("not-a-key-0123".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = TestApp.environment(databaseURL: try DatabaseURL("postgres://u:p@127.0.0.1:5432/x"))
        environment["ACADEMY_SECRETS_KEY_FILE"] = path
        let error = #expect(throws: ConfigurationError.self) { try AppConfiguration(environment: environment) }
        #expect(error?.description.contains("64 hex digits") == true)
        #expect(error?.description.contains("not-a-key") == false)
    }
}
