import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyCrypto
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite struct CertificateTests {
    @Test func finishingTheCourseIssuesOneVerifiableCertificate() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org", name: "أمينة")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            _ = try await client.send(.patch, "/api/v1/me", json: ["locale": "en"], token: amina)
            let (module, first) = try await client.makeCourse(token: teacher, publish: true)
            let second = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": module, "translations": ["ar": ["title": "الباء", "body_markdown": "ب"]],
            ], token: teacher).json["id"] as? String ?? ""
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)

            _ = try await client.send(.post, "/api/v1/lessons/\(first)/complete", token: amina)
            #expect((try await client.send(.get, "/api/v1/me/certificates", token: amina).json["items"] as? [Any])?.isEmpty == true)
            // Ten concurrent completions of the last lesson: one certificate.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { _ = try await client.send(.post, "/api/v1/lessons/\(second)/complete", token: amina) }
                }
                try await group.waitForAll()
            }
            let mine = try await client.send(.get, "/api/v1/me/certificates", token: amina)
            let certificates = try #require(mine.json["items"] as? [[String: Any]])
            #expect(certificates.count == 1)
            let id = try #require(certificates.first?["id"] as? String)
            let enrollment = try await client.send(.get, "/api/v1/me/enrollments", token: amina)
            #expect(((enrollment.json["items"] as? [[String: Any]])?.first?["enrollment"] as? [String: Any])?["status"] as? String == "completed")

            let shown = try await client.send(.get, "/api/v1/certificates/\(id)")
            #expect(shown.status == .ok)
            #expect(shown.json["valid"] as? Bool == true)
            let facts = try #require(shown.json["certificate"] as? [String: Any])
            #expect(facts["student_name"] as? String == "أمينة")
            #expect(facts["course_title"] as? String == "Arabic script: first steps")
            #expect((facts["serial"] as? String)?.hasPrefix("HKA-") == true)
            let payload = try #require(shown.json["payload"] as? String)
            let signature = try #require(Base64URL.decode(shown.json["signature"] as? String ?? ""))

            // Offline, with the published key and nothing but OpenSSL's command line.
            let pem = try await client.send(.get, "/api/v1/certificates/public-key")
            #expect(pem.headers[.contentType] == "application/x-pem-file")
            #expect(try Self.opensslVerifies(publicKeyPEM: pem.text, message: Array(payload.utf8), signature: signature))
            #expect(try !Self.opensslVerifies(publicKeyPEM: pem.text, message: Array(payload.replacingOccurrences(of: "أمينة", with: "Mallory").utf8), signature: signature))

            // A payload changed in the database no longer verifies.
            try await app.database.withConnection { connection in
                _ = try await connection.query(
                    "UPDATE certificates SET payload = replace(payload, 'أمينة', 'Mallory') WHERE id = \(UUID(uuidString: id)!)",
                    logger: app.logger
                ).collect()
            }
            #expect(try await client.send(.get, "/api/v1/certificates/\(id)").json["valid"] as? Bool == false)
            #expect(try await client.send(.get, "/api/v1/certificates/\(UUID())").status == .notFound)
        }
    }

    @Test func aRotatedKeySignsNewCertificatesAndTheOldOnesStillVerify() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)
            func certificate(for email: String) async throws -> [String: Any] {
                try await app.makeUser(email)
                let student = try await client.login(email)
                _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: student)
                _ = try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: student)
                let mine = try await client.send(.get, "/api/v1/me/certificates", token: student)
                let id = try #require((mine.json["items"] as? [[String: Any]])?.first?["id"] as? String)
                return try await client.send(.get, "/api/v1/certificates/\(id)").json
            }
            let before = try await certificate(for: "amina@example.org")
            let oldKey = try #require(before["key_id"] as? String)
            let oldPEM = try await client.send(.get, "/api/v1/certificates/public-key").text

            let newKey = try await app.certificates.rotateKey()
            #expect(newKey != oldKey)
            let after = try await certificate(for: "yusuf@example.org")
            #expect(after["key_id"] as? String == newKey)
            #expect(before["valid"] as? Bool == true && after["valid"] as? Bool == true)
            let id = try #require(before["id"] as? String)
            #expect(try await client.send(.get, "/api/v1/certificates/\(id)").json["valid"] as? Bool == true, "the old one still verifies")

            // The default key is the new one; each certificate's own key stays published.
            let newPEM = try await client.send(.get, "/api/v1/certificates/public-key").text
            #expect(newPEM != oldPEM)
            #expect(try await client.send(.get, "/api/v1/certificates/public-key?key_id=\(oldKey)").text == oldPEM)
            #expect(try await client.send(.get, "/api/v1/certificates/public-key?key_id=\(newKey)").text == newPEM)
            for (shown, pem) in [(before, oldPEM), (after, newPEM)] {
                let payload = try #require(shown["payload"] as? String)
                let signature = try #require(Base64URL.decode(shown["signature"] as? String ?? ""))
                #expect(try Self.opensslVerifies(publicKeyPEM: pem, message: Array(payload.utf8), signature: signature))
            }
            #expect(try await client.send(.get, "/api/v1/certificates/public-key?key_id=nosuchkey").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/certificates/public-key?key_id=..%2F..").status == .notFound)
        }
    }

    @Test func revokedCertificatesSaySo() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)
            _ = try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: amina)
            let id = try #require(((try await client.send(.get, "/api/v1/me/certificates", token: amina).json["items"] as? [[String: Any]])?.first?["id"] as? String).flatMap(UUID.init(uuidString:)))
            let service = app.certificates
            #expect(try await service.revoke(id, reason: "issued in error"))
            #expect(try await !service.revoke(id, reason: "again"))
            let shown = try await client.send(.get, "/api/v1/certificates/\(id.uuidString)")
            #expect(shown.json["valid"] as? Bool == false)
            #expect(shown.json["revoked"] as? Bool == true)
            #expect(shown.json["revoked_reason"] as? String == "issued in error")
        }
    }

    static func opensslVerifies(publicKeyPEM: String, message: [UInt8], signature: [UInt8]) throws -> Bool {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try publicKeyPEM.write(to: folder.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        try Data(message).write(to: folder.appendingPathComponent("payload.json"))
        try Data(signature).write(to: folder.appendingPathComponent("signature.bin"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.currentDirectoryURL = folder
        process.arguments = ["pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "payload.json", "-sigfile", "signature.bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
