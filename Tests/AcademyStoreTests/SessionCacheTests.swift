import AcademyCore
@testable import AcademyStore
import Foundation
import Testing

@Suite struct SessionCacheTests {
    static func session(user: UUID = UUID(), expiresIn seconds: TimeInterval = 3600) -> ActiveSession {
        ActiveSession(sessionID: UUID(), userID: user, role: .student, locale: nil, expiresAt: Date().addingTimeInterval(seconds))
    }

    static func trusted(lifetime: Duration = .seconds(60)) -> SessionCache {
        let cache = SessionCache(capacity: 100, lifetime: lifetime)
        cache.startTrusting()
        return cache
    }

    @Test func servesNothingUntilItsChangeFeedListens() {
        let cache = SessionCache()
        let session = Self.session()
        cache.store(session, readWith: cache.ticket())
        #expect(cache.session(session.sessionID) == nil)
        cache.startTrusting()
        cache.store(session, readWith: cache.ticket())
        #expect(cache.session(session.sessionID) == session)
    }

    @Test func losingTheFeedForgetsEverything() {
        let cache = Self.trusted()
        let session = Self.session()
        cache.store(session, readWith: cache.ticket())
        cache.stopTrusting()
        #expect(cache.session(session.sessionID) == nil)
        // Listening again starts from nothing: notifications sent meanwhile were missed.
        cache.startTrusting()
        #expect(cache.session(session.sessionID) == nil)
    }

    @Test func aReadThatRacedAnInvalidationIsNotStored() {
        let cache = Self.trusted()
        let session = Self.session()
        let ticket = cache.ticket()
        // The session row was read, then revoked and announced before the read is stored.
        cache.apply(notification: "session:\(session.sessionID.uuidString.lowercased())")
        cache.store(session, readWith: ticket)
        #expect(cache.session(session.sessionID) == nil)
    }

    @Test func notificationsInvalidateASessionAUserOrEverything() {
        let cache = Self.trusted()
        let user = UUID()
        let phone = Self.session(user: user), laptop = Self.session(user: user), other = Self.session()
        for session in [phone, laptop, other] { cache.store(session, readWith: cache.ticket()) }

        cache.apply(notification: "session:\(phone.sessionID.uuidString)")
        #expect(cache.session(phone.sessionID) == nil)
        #expect(cache.session(laptop.sessionID) == laptop)

        cache.apply(notification: "user:\(user.uuidString.lowercased())")
        #expect(cache.session(laptop.sessionID) == nil)
        #expect(cache.session(other.sessionID) == other)

        cache.apply(notification: "all")
        #expect(cache.session(other.sessionID) == nil)

        cache.store(other, readWith: cache.ticket())
        cache.apply(notification: "something new")
        #expect(cache.session(other.sessionID) == nil)
    }

    @Test func entriesNeverOutliveTheirSessionOrTheLifetime() async throws {
        let cache = Self.trusted(lifetime: .milliseconds(50))
        let expiring = Self.session(expiresIn: -1), fresh = Self.session()
        cache.store(expiring, readWith: cache.ticket())
        cache.store(fresh, readWith: cache.ticket())
        #expect(cache.session(expiring.sessionID) == nil)
        #expect(cache.session(fresh.sessionID) == fresh)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.session(fresh.sessionID) == nil)
    }

    @Test func staysWithinItsCapacity() {
        let cache = Self.trusted()
        let sessions = (0..<150).map { _ in Self.session() }
        for session in sessions { cache.store(session, readWith: cache.ticket()) }
        #expect(sessions.filter { cache.holds(session: $0.sessionID) }.count <= 100)
        #expect(cache.session(sessions.last!.sessionID) == sessions.last)
    }
}
