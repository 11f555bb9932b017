import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyCrypto
import AcademyStore
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@Suite struct RegistrationTests {
    @Test func registersAStudentAndStoresNormalizedData() async throws {
        try await TestApp.withApp { client, app in
            let response = try await client.register(" Amina@Example.org ", name: "Jose\u{301} أمينة")
            #expect(response.status == .created)
            let body = response.json
            #expect(body["email"] as? String == "Amina@Example.org")
            #expect(body["display_name"] as? String == "José أمينة")
            #expect(body["role"] as? String == "student")
            #expect(body["disabled"] as? Bool == false)
            #expect(Set(body.keys) == ["id", "email", "display_name", "role", "locale", "timezone", "created_at", "disabled"])
            let stored = try #require(try await app.accounts.users.credentials(email: "amina@example.org"))
            #expect(stored.user.id.uuidString.lowercased() == body["id"] as? String)
            #expect(stored.passwordHash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        }
    }

    @Test func reportsEveryInvalidFieldAtOnce() async throws {
        try await TestApp.run { client in
            let response = try await client.send(.post, "/api/v1/auth/register", json: [
                "email": "not-an-email", "password": "short", "display_name": " ", "timezone": "Mars/Base",
            ])
            #expect(response.status == .unprocessableContent)
            let fields = (response.json["errors"] as? [[String: String]])?.compactMap { $0["field"] }
            #expect(fields == ["email", "password", "display_name", "timezone"])
        }
    }

    @Test func anEmailIsTakenWhateverItsCase() async throws {
        try await TestApp.run { client in
            #expect(try await client.register("amina@example.org").status == .created)
            let again = try await client.register("AMINA@example.org")
            #expect(again.status == .conflict)
            #expect(again.json["type"] as? String == "/problems/conflict")
        }
    }

    @Test func closedRegistrationIsForbidden() async throws {
        try await TestApp.run(overrides: ["ACADEMY_SELF_REGISTRATION": "false"]) { client in
            let response = try await client.register("amina@example.org")
            #expect(response.status == .forbidden)
        }
    }
}

@Suite struct LoginTests {
    @Test func signsInWithASignedTokenAndTheUser() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org", name: "Amina")
            let response = try await client.send(.post, "/api/v1/auth/login", json: ["email": "AMINA@example.org", "password": goodPassword])
            #expect(response.status == .ok)
            let token = try #require(response.json["token"] as? String)
            #expect(token.hasPrefix("v1."))
            #expect(token.split(separator: ".").count == 5)
            let expiresAt = try #require(RFC3339.date(from: response.json["expires_at"] as? String ?? ""))
            #expect(expiresAt.timeIntervalSinceNow > 29 * 24 * 3600)
            #expect((response.json["user"] as? [String: Any])?["display_name"] as? String == "Amina")
            let me = try await client.send(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["email"] as? String == "amina@example.org")
        }
    }

    @Test func anUnknownEmailIsAnsweredExactlyLikeAWrongPassword() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let wrongPassword = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": "not the password"])
            let unknownEmail = try await client.send(.post, "/api/v1/auth/login", json: ["email": "nobody@example.org", "password": "not the password"])
            #expect(wrongPassword.status == .unauthorized)
            #expect(unknownEmail.status == wrongPassword.status)
            #expect(unknownEmail.problemWithoutRequestID == wrongPassword.problemWithoutRequestID)
            #expect(unknownEmail.headers[.wwwAuthenticate] == wrongPassword.headers[.wwwAuthenticate])
        }
    }

    @Test func aDisabledAccountCannotSignIn() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("admin@example.org", role: .admin)
            let user = try await app.makeUser("amina@example.org")
            _ = try await app.accounts.users.changeAccess(of: user.id, by: .operator, role: nil, disabled: true, displayName: nil, audit: AuditEntry(.userDisabled))
            let response = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": goodPassword])
            #expect(response.status == .unauthorized)
            #expect(response.json["type"] as? String == "/problems/invalid-credentials")
        }
    }

    @Test func failuresAreThrottledPerAccountAndASuccessResets() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_LOGIN_ACCOUNT_FAILURES": "3"]) { client, app in
            try await app.makeUser("amina@example.org")
            let wrong: [String: Any] = ["email": "amina@example.org", "password": "not the password"]
            for _ in 0..<2 { #expect(try await client.send(.post, "/api/v1/auth/login", json: wrong).status == .unauthorized) }
            // A success before the limit clears the count.
            _ = try await client.login("amina@example.org")
            for _ in 0..<3 { #expect(try await client.send(.post, "/api/v1/auth/login", json: wrong).status == .unauthorized) }
            let blocked = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": goodPassword])
            #expect(blocked.status == .tooManyRequests)
            let retryAfter = try #require(blocked.headers[.retryAfter].flatMap(Int.init))
            #expect((1...900).contains(retryAfter))
            // Another account from the same address is not affected by this account's bound.
            try await app.makeUser("bilal@example.org")
            _ = try await client.login("bilal@example.org")
        }
    }

    @Test func failuresAreThrottledPerAddressWithAHigherBound() async throws {
        try await TestApp.run(overrides: ["ACADEMY_LOGIN_ADDRESS_FAILURES": "5"]) { client in
            for index in 0..<5 {
                let response = try await client.send(.post, "/api/v1/auth/login", json: ["email": "guess\(index)@example.org", "password": "guessing guess"])
                #expect(response.status == .unauthorized)
            }
            let blocked = try await client.send(.post, "/api/v1/auth/login", json: ["email": "guess9@example.org", "password": "guessing guess"])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
        }
    }

    @Test func aWeakerHashIsReplacedAtTheNextLogin() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_PASSWORD_HASH_COST": "11"]) { client, app in
            let weak = PasswordHasher(parameters: .init(logN: 10, r: 8, p: 1)).hash(goodPassword)
            let user = try await app.accounts.users.create(
                NewUser(email: "amina@example.org", displayName: "Amina", role: .student, locale: nil, timezone: nil, passwordHash: weak),
                audit: AuditEntry(.userCreated)
            )
            _ = try await client.login("amina@example.org")
            let upgraded = try #require(try await app.accounts.users.passwordHash(id: user.id))
            #expect(upgraded.hasPrefix("$scrypt$ln=11,"))
            _ = try await client.login("amina@example.org")
        }
    }
}

@Suite struct TokenTests {
    @Test func everyTamperedByteOfATokenIs401() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let token = try await client.login("amina@example.org")
            let bytes = Array(token.utf8)
            for index in bytes.indices {
                var tampered = bytes
                tampered[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                let response = try await client.send(.get, "/api/v1/me", token: String(decoding: tampered, as: UTF8.self))
                #expect(response.status == .unauthorized, "byte \(index)")
            }
            #expect(try await client.send(.get, "/api/v1/me", token: token).status == .ok)
        }
    }

    @Test func missingMalformedAndExpiredTokensAre401() async throws {
        try await TestApp.withApp { client, app in
            let user = try await app.makeUser("amina@example.org")
            #expect(try await client.send(.get, "/api/v1/me").status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/me", headers: [.authorization: "Basic YTpi"]).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/me", token: "v1.garbage").status == .unauthorized)
            // A correctly signed token past its expiry, for a session that exists.
            let key = try await app.keyRing.signingKey()
            let sessionID = UUID()
            _ = try await app.accounts.sessions.open(
                id: sessionID, for: user, keyID: key.id, expiresAt: Date().addingTimeInterval(3600),
                clientAddress: nil, userAgent: nil, audit: AuditEntry(.loginSucceeded)
            )
            let expired = SessionToken.issue(sessionID: sessionID, expiresAt: Date().addingTimeInterval(-1), key: key)
            #expect(try await client.send(.get, "/api/v1/me", token: expired).status == .unauthorized)
            let valid = SessionToken.issue(sessionID: sessionID, expiresAt: Date().addingTimeInterval(3600), key: key)
            #expect(try await client.send(.get, "/api/v1/me", token: valid).status == .ok)
        }
    }

    @Test func logoutKillsTheTokenAndOnlyIt() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let phone = try await client.login("amina@example.org")
            let laptop = try await client.login("amina@example.org")
            #expect(try await client.send(.post, "/api/v1/auth/logout", token: phone).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/me", token: phone).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/me", token: laptop).status == .ok)
        }
    }

    /// Instances keep verified sessions in memory; a change on one reaches the others by NOTIFY.
    /// The window is PostgreSQL's delivery time: asserted here to close within a second (it is
    /// milliseconds), and only after B has actually served the session from memory.
    @Test func aRevocationOnOneInstanceReachesAnotherWithinTheNotificationWindow() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            try await TestApp.run(databaseURL: url) { instanceA, dependencies in
                try await dependencies.makeUser("amina@example.org")
                try await TestApp.run(databaseURL: url) { instanceB, dependenciesB in
                    try await Self.waitUntilTrusted(dependenciesB.sessionCache)
                    let token = try await instanceA.login("amina@example.org")
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: token).status == .ok)
                    #expect(dependenciesB.sessionCache.holds(session: Self.sessionID(of: token)))
                    #expect(try await instanceA.send(.post, "/api/v1/auth/logout", token: token).status == .noContent)
                    // A itself refuses at once: its own changes are applied before it answers.
                    #expect(try await instanceA.send(.get, "/api/v1/me", token: token).status == .unauthorized)
                    #expect(try await Self.secondsUntilRefused(token, by: instanceB) < 1)

                    // Disabling on A (or with the CLI, or in psql) ends the sessions B is serving, too.
                    let second = try await instanceB.login("amina@example.org")
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: second).status == .ok)
                    #expect(dependenciesB.sessionCache.holds(session: Self.sessionID(of: second)))
                    let user = try #require(try await dependencies.accounts.users.find(email: "amina@example.org"))
                    _ = try await dependencies.accounts.users.changeAccess(of: user.id, by: .operator, role: nil, disabled: true, displayName: nil, audit: AuditEntry(.userDisabled))
                    #expect(try await Self.secondsUntilRefused(second, by: instanceB) < 1)

                    // A change no repository made, straight in SQL, is announced all the same.
                    _ = try await dependencies.accounts.users.changeAccess(of: user.id, by: .operator, role: nil, disabled: false, displayName: nil, audit: AuditEntry(.userEnabled))
                    let third = try await instanceB.login("amina@example.org")
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: third).status == .ok)
                    try await dependencies.database.run("UPDATE sessions SET revoked_at = now() WHERE user_id = \(user.id)")
                    #expect(try await Self.secondsUntilRefused(third, by: instanceB) < 1)
                }
            }
        }
    }

    /// The session id inside a `v1.<kid>.<session-id>.<expires>.<mac>` token.
    static func sessionID(of token: String) -> UUID {
        let parts = token.split(separator: ".")
        return parts.count == 5 ? UUID(uuidString: String(parts[2])) ?? UUID() : UUID()
    }

    static func waitUntilTrusted(_ cache: SessionCache) async throws {
        for _ in 0..<200 where !cache.isTrusted {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(cache.isTrusted)
    }

    /// How long `client` keeps accepting `token` (polled every 5 ms, for at most 5 s).
    static func secondsUntilRefused(_ token: String, by client: any TestClientProtocol) async throws -> Double {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(5) {
            if try await client.send(.get, "/api/v1/me", token: token).status == .unauthorized {
                let elapsed = (ContinuousClock.now - started).components
                return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return .infinity
    }

    @Test func rotatedKeysKeepVerifyingAndRetiredKeysKillTheirTokens() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            try await TestApp.run(databaseURL: url) { instanceA, dependencies in
                try await dependencies.makeUser("amina@example.org")
                try await TestApp.run(databaseURL: url) { instanceB in
                    let oldToken = try await instanceA.login("amina@example.org")
                    let keys = SigningKeyRepository(database: dependencies.database)
                    let oldKeyID = try #require(try await keys.usableKeys().first?.id)
                    let newKey = SigningKeyRing.newKey()
                    try await keys.rotate(to: newKey, audit: AuditEntry(.keyRotated))
                    // A signs with the new key as soon as its NOTIFY arrives.
                    var newToken = ""
                    for _ in 0..<20 where !newToken.hasPrefix("v1.\(newKey.id).") {
                        newToken = try await instanceA.login("amina@example.org")
                        if !newToken.hasPrefix("v1.\(newKey.id).") { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(newToken.hasPrefix("v1.\(newKey.id)."))
                    // B hears of the new key by NOTIFY, or from the token itself within 250 ms.
                    var status = HTTPResponse.Status.unauthorized
                    for _ in 0..<20 where status != .ok {
                        status = try await instanceB.send(.get, "/api/v1/me", token: newToken).status
                        if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(status == .ok)
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: oldToken).status == .ok)

                    // Retired from outside both instances (as `academy keys retire` does): each
                    // refuses the old key's sessions within the notification window.
                    try await keys.retire(id: oldKeyID, audit: AuditEntry(.keyRetired))
                    #expect(try await Self.secondsUntilRefused(oldToken, by: instanceB) < 1)
                    #expect(try await Self.secondsUntilRefused(oldToken, by: instanceA) < 1)
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: newToken).status == .ok)
                    await #expect(throws: SigningKeyError.lastUsableKey(newKey.id)) {
                        try await keys.retire(id: newKey.id, audit: AuditEntry(.keyRetired))
                    }
                }
            }
        }
    }

    @Test func everyProtectedRouteRefusesAnonymousCallers() async throws {
        let recorded = RouteList()
        let open: Set<String> = [
            "GET /health/live", "GET /health/ready", "GET /metrics", "GET /openapi.yaml",
            "POST /api/v1/auth/register", "POST /api/v1/auth/login",
            // Public for published courses; drafts answer 404 to anonymous callers.
            "GET /api/v1/courses", "GET /api/v1/courses/{course}", "GET /api/v1/courses/{course}/modules",
            // Certificates are verifiable by anyone.
            "GET /api/v1/certificates/public-key", "GET /api/v1/certificates/{id}",
        ]
        try await TestApp.run(extraRoutes: { recorded.set($0.registeredRoutes) }) { client in
            for route in recorded.routes where !open.contains("\(route.method) \(route.path)") {
                let path = route.path
                    .replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
                let response = try await client.execute(
                    uri: path, method: HTTPRequest.Method(route.method)!,
                    headers: [.contentType: "application/json"], body: .init(string: "{}")
                )
                #expect(response.status == .unauthorized, "\(route.method) \(route.path) answered \(response.status)")
            }
        }
    }
}
