public import Foundation
import Synchronization

/// Sessions this instance verified recently, so that a request with a valid token costs no query.
///
/// It is trusted only while this instance listens on `changeChannel`: the database announces
/// every change that can end a session or alter what it resolves to (migration 0009's triggers:
/// revocation, a user's role, locale or disabling, a key's retirement), whoever made it, when the
/// change commits. The window in which another instance may still accept a revoked session is the
/// time PostgreSQL takes to deliver that notification; this instance's own changes are applied
/// before the request that made them is answered. While the listening connection is down nothing
/// is served from here (every request reads its session row), and the copy is emptied when
/// listening starts again, since notifications sent meanwhile were missed. An entry is also
/// re-read after `lifetime`, as a bound on anything unforeseen, and never outlives its session.
public final class SessionCache: Sendable {
    public static let changeChannel = "academy_sessions"

    private struct Entry {
        let session: ActiveSession
        let storedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        /// Bumped by every invalidation: a read that began before one must not be stored after it.
        var generation: UInt64 = 0
        var isTrusted = false
    }

    private let state = Mutex(State())
    let capacity: Int
    let lifetime: Duration

    public init(capacity: Int = 50_000, lifetime: Duration = .seconds(60)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// A session read to be stored later, with the generation its read began in (nil: not to be
    /// stored, since the cache is not trusted now).
    struct Ticket: Sendable {
        let generation: UInt64?
    }

    func session(_ id: UUID, now: Date = Date()) -> ActiveSession? {
        state.withLock { state in
            guard state.isTrusted, let entry = state.entries[id] else { return nil }
            guard entry.session.expiresAt > now, ContinuousClock.now - entry.storedAt < lifetime else {
                state.entries[id] = nil
                return nil
            }
            return entry.session
        }
    }

    func ticket() -> Ticket {
        state.withLock { Ticket(generation: $0.isTrusted ? $0.generation : nil) }
    }

    func store(_ session: ActiveSession, readWith ticket: Ticket) {
        state.withLock { state in
            guard state.isTrusted, ticket.generation == state.generation else { return }
            if state.entries.count >= capacity {
                state.entries.removeAll(keepingCapacity: true)
            }
            state.entries[session.sessionID] = Entry(session: session, storedAt: .now)
        }
    }

    public func invalidate(session id: UUID) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[id] = nil
        }
    }

    public func invalidate(user id: UUID) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.session.userID != id }
        }
    }

    public func invalidateAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }

    /// The change feed listens now: start afresh and serve from memory.
    public func startTrusting() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
            state.isTrusted = true
        }
    }

    /// The change feed lost its connection: changes may go unheard, so stop serving from memory.
    public func stopTrusting() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
            state.isTrusted = false
        }
    }

    /// Applies one notification of `changeChannel`: `session:<id>`, `user:<id>` or `all`.
    /// Anything else empties the cache: an unknown message is no reason to keep trusting it.
    public func apply(notification payload: String) {
        let parts = payload.split(separator: ":", maxSplits: 1)
        switch (parts.first, parts.count == 2 ? UUID(uuidString: String(parts[1])) : nil) {
        case ("session", let id?): invalidate(session: id)
        case ("user", let id?): invalidate(user: id)
        default: invalidateAll()
        }
    }

    /// Whether lookups may be served from here now (the change feed listens).
    public var isTrusted: Bool {
        state.withLock { $0.isTrusted }
    }

    /// Whether the session is held now (for tests and diagnostics).
    public func holds(session id: UUID) -> Bool {
        state.withLock { $0.entries[id] != nil }
    }
}
