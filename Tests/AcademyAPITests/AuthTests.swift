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
            #expect(response.status == .accepted)
            #expect(response.json["email"] as? String == "amina@example.org")
            #expect(Set(response.json.keys) == ["email", "detail"])
            let stored = try #require(try await app.accounts.users.credentials(email: "AMINA@example.org"))
            #expect(stored.user.email == "amina@example.org")
            #expect(stored.user.displayName == "José أمينة")
            #expect(stored.user.role == .student)
            #expect(stored.passwordHash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
            _ = try await client.login("amina@example.org")
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

    /// A sign-up must not tell who has an account: a taken email gets the same status and body
    /// as a new one, and the account is left exactly as it was.
    @Test func aTakenEmailIsAnsweredLikeANewOneAndChangesNothing() async throws {
        try await TestApp.withApp { client, app in
            let first = try await client.register("amina@example.org")
            let before = try #require(try await app.accounts.users.credentials(email: "amina@example.org"))
            let again = try await client.register("AMINA@example.org", password: "another password entirely", name: "Impostor")
            #expect(again.status == first.status)
            #expect(again.text == first.text)
            let after = try #require(try await app.accounts.users.credentials(email: "amina@example.org"))
            #expect(after.passwordHash == before.passwordHash)
            #expect(after.user.displayName == before.user.displayName)
            let count = try await app.database.rows("SELECT count(*)::int FROM users", as: Int.self)
            #expect(count == [1])
            let events = try await app.auditLog.tail(limit: 5).map(\.event)
            #expect(events.contains(.registrationForTakenEmail))
        }
    }

    /// Case is folded over all of Unicode (PostgreSQL's lower() in a C-locale cluster folds
    /// ASCII only): Ömer and ömer are one account, found whichever way it is typed.
    @Test func emailsThatDifferOnlyInNonASCIICaseAreOneAccount() async throws {
        try await TestApp.withApp { client, app in
            #expect(try await client.register("Ömer@Example.org").status == .accepted)
            #expect(try await client.register("ömer@example.org").status == .accepted)
            // NFD (o + combining diaeresis) is the same email as NFC.
            #expect(try await client.register("o\u{308}mer@example.org").status == .accepted)
            let emails = try await app.database.rows("SELECT email FROM users", as: String.self)
            #expect(emails == ["ömer@example.org"])
            _ = try await client.login("ÖMER@EXAMPLE.ORG")
        }
    }

    @Test func signUpsAreLimitedPerClientAddress() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_REGISTRATIONS_PER_ADDRESS_HOUR": "2"]) { client, app in
            #expect(try await client.register("amina@example.org").status == .accepted)
            #expect(try await client.register("amina@example.org").status == .accepted)
            let limited = try await client.register("bilal@example.org")
            #expect(limited.status == .tooManyRequests)
            #expect((3000...3600).contains(Int(limited.headers[.retryAfter] ?? "") ?? 0))
            #expect(try await app.accounts.users.find(email: "bilal@example.org") == nil)
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

    /// Guesses stop the guesser's address, slow down other new addresses for at most a minute,
    /// and never keep the owner out of an address they signed in from before.
    @Test func guessesStopTheGuesserNotTheOwner() async throws {
        let overrides = ["ACADEMY_LOGIN_ACCOUNT_FAILURES": "3", "ACADEMY_TRUSTED_PROXIES": "127.0.0.1,::1"]
        try await TestApp.withApp(overrides: overrides, setup: .live) { client, app in
            try await app.makeUser("amina@example.org")
            try await app.makeUser("bilal@example.org")
            let from = { (address: String) -> HTTPFields in [HTTPField.Name("X-Forwarded-For")!: address] }
            let attempt = { (email: String, password: String, address: String) in
                try await client.send(.post, "/api/v1/auth/login", json: ["email": email, "password": password], headers: from(address))
            }
            let home = "203.0.113.7", guesser = "198.51.100.1", elsewhere = "198.51.100.2"
            // Two failures then a success from home: the success clears home's count.
            for _ in 0..<2 { #expect(try await attempt("amina@example.org", "not the password", home).status == .unauthorized) }
            _ = try await client.login("amina@example.org", headers: from(home))
            for _ in 0..<2 { #expect(try await attempt("amina@example.org", "not the password", home).status == .unauthorized) }
            _ = try await client.login("amina@example.org", headers: from(home))

            for _ in 0..<3 { #expect(try await attempt("amina@example.org", "not the password", guesser).status == .unauthorized) }
            let stopped = try await attempt("amina@example.org", goodPassword, guesser)
            #expect(stopped.status == .tooManyRequests)
            #expect((800...900).contains(Int(stopped.headers[.retryAfter] ?? "") ?? 0))
            // Another account from the guesser's address is not held back by this account's bound.
            _ = try await client.login("bilal@example.org", headers: from(guesser))
            // A new address waits seconds, not the window: 3 failures past the bound of 3 is 2 s.
            let slowed = try await attempt("amina@example.org", goodPassword, elsewhere)
            #expect(slowed.status == .tooManyRequests)
            #expect((1...2).contains(Int(slowed.headers[.retryAfter] ?? "") ?? 0))
            // The owner's known address is never slowed by failures elsewhere.
            _ = try await client.login("amina@example.org", headers: from(home))
        }
    }

    /// X-Forwarded-For counts only from a trusted proxy, and only up to the first entry a
    /// trusted proxy did not add: a client cannot pick its own address.
    @Test func theClientAddressComesFromTrustedProxiesOnly() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_TRUSTED_PROXIES": "127.0.0.1,::1,10.0.0.0/8"], setup: .live) { client, app in
            try await app.makeUser("amina@example.org")
            _ = try await client.login("amina@example.org", headers: [HTTPField.Name("X-Forwarded-For")!: "1.2.3.4, 203.0.113.9, 10.1.2.3"])
            try await TestApp.withApp(setup: .live) { untrusting, other in
                try await other.makeUser("amina@example.org")
                _ = try await untrusting.login("amina@example.org", headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9"])
                let addresses = try await other.database.rows("SELECT client_address FROM sessions", as: String?.self)
                #expect(addresses.count == 1 && addresses[0] != "203.0.113.9")
            }
            let addresses = try await app.database.rows("SELECT client_address FROM sessions", as: String?.self)
            #expect(addresses == ["203.0.113.9"])
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
    /// The window is PostgreSQL's delivery time (milliseconds), asserted here to close within
    /// three seconds, and only after B has actually served the session from memory: the bound is
    /// far below the cache's 60 s, so a lost notification fails, while a full parallel run on two
    /// cores (where a one-second bound once missed) does not.
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
                    let afterLogout = try await Self.secondsUntilRefused(token, by: instanceB)
                    #expect(afterLogout < 3, "B refused the logged-out session after \(afterLogout) s")

                    // Disabling on A (or with the CLI, or in psql) ends the sessions B is serving, too.
                    let second = try await instanceB.login("amina@example.org")
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: second).status == .ok)
                    #expect(dependenciesB.sessionCache.holds(session: Self.sessionID(of: second)))
                    let user = try #require(try await dependencies.accounts.users.find(email: "amina@example.org"))
                    _ = try await dependencies.accounts.users.changeAccess(of: user.id, by: .operator, role: nil, disabled: true, displayName: nil, audit: AuditEntry(.userDisabled))
                    let afterDisable = try await Self.secondsUntilRefused(second, by: instanceB)
                    #expect(afterDisable < 3, "B refused the disabled user's session after \(afterDisable) s")

                    // A change no repository made, straight in SQL, is announced all the same.
                    _ = try await dependencies.accounts.users.changeAccess(of: user.id, by: .operator, role: nil, disabled: false, displayName: nil, audit: AuditEntry(.userEnabled))
                    let third = try await instanceB.login("amina@example.org")
                    #expect(try await instanceB.send(.get, "/api/v1/me", token: third).status == .ok)
                    try await dependencies.database.run("UPDATE sessions SET revoked_at = now() WHERE user_id = \(user.id)")
                    let afterSQL = try await Self.secondsUntilRefused(third, by: instanceB)
                    #expect(afterSQL < 3, "B refused the session revoked in SQL after \(afterSQL) s")
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
                    let newKey = dependencies.keyRing.newKey()
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
                    let onB = try await Self.secondsUntilRefused(oldToken, by: instanceB)
                    let onA = try await Self.secondsUntilRefused(oldToken, by: instanceA)
                    #expect(onB < 3 && onA < 3, "the retired key's session was refused after \(onB) s on B, \(onA) s on A")
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
            // The web pages (everything else at the root) answer with pages and redirects: WebPagesTests.
            let api = recorded.routes.filter { ["/api/", "/health/", "/metrics", "/openapi.yaml"].contains(where: $0.path.hasPrefix) }
            for route in api where !open.contains("\(route.method) \(route.path)") {
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
