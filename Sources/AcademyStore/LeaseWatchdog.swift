import Synchronization

/// Ends the waits for a pooled connection that last longer than the lease timeout, or while the
/// database is known to be down, from one ticker every `step` for all of them. A timer per lease
/// (a child task sleeping in steps) cost a fifth of the server's CPU on exam day, when thousands of
/// requests waited at once: every sleep is a dispatch timer, kept until its deadline even when the
/// wait ended first.
final class LeaseWatchdog: Sendable {
    enum Expiry: Sendable {
        case timedOut
        case databaseDown
    }

    private enum Entry {
        /// Waiting for a connection; `watcher` is the caller suspended in `expiry(of:)`, once it is.
        case waiting(since: ContinuousClock.Instant, watcher: CheckedContinuation<Expiry?, Never>?)
        /// It got its connection: no longer timed, watched until the work on it ends.
        case leased(watcher: CheckedContinuation<Expiry?, Never>?)
        case expired(Expiry)
        /// The work ended, or its caller stopped watching.
        case ended
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var ticking = false
    }

    static let step: Duration = .milliseconds(100)

    private let state = Mutex(State())
    private let timeout: Duration
    private let reachability: DatabaseReachability?

    init(timeout: Duration, reachability: DatabaseReachability?) {
        self.timeout = timeout
        self.reachability = reachability
    }

    /// Starts watching the wait for `lease`; `remove` must follow, whatever happens.
    func register(_ lease: LeaseState, since started: ContinuousClock.Instant) {
        let startTicker = state.withLock { state in
            state.entries[ObjectIdentifier(lease)] = .waiting(since: started, watcher: nil)
            defer { state.ticking = true }
            return !state.ticking
        }
        if startTicker {
            Task { await self.tick() }
        }
    }

    /// Suspends until the wait for `lease` has lasted `timeout` or the database is known to be
    /// down, or returns nil as soon as the work on the lease ends (`ended(_:)`) or the caller is
    /// cancelled. Once the connection is claimed (`claimed(_:)`) only the end counts.
    func expiry(of lease: LeaseState) async -> Expiry? {
        let key = ObjectIdentifier(lease)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now: Expiry?? = state.withLock { state in
                    switch state.entries[key] {
                    case .waiting(let since, nil)?:
                        state.entries[key] = .waiting(since: since, watcher: continuation)
                        return .none
                    case .leased(nil)?:
                        state.entries[key] = .leased(watcher: continuation)
                        return .none
                    case .expired(let expiry)?:
                        return .some(expiry)
                    default:
                        return .some(nil)
                    }
                }
                if case .some(let expiry) = now {
                    continuation.resume(returning: expiry)
                }
            }
        } onCancel: {
            ended(lease)
        }
    }

    /// `lease` got its connection: its wait no longer times out.
    func claimed(_ lease: LeaseState) {
        state.withLock { state in
            if case .waiting(_, let watcher)? = state.entries[ObjectIdentifier(lease)] {
                state.entries[ObjectIdentifier(lease)] = .leased(watcher: watcher)
            }
        }
    }

    /// The work on `lease` ended (with or without a connection), or its watcher was cancelled.
    func ended(_ lease: LeaseState) {
        let key = ObjectIdentifier(lease)
        let watcher = state.withLock { state -> CheckedContinuation<Expiry?, Never>? in
            let watcher: CheckedContinuation<Expiry?, Never>?
            switch state.entries[key] {
            case .waiting(_, let waiting)?: watcher = waiting
            case .leased(let leased)?: watcher = leased
            default: return nil
            }
            state.entries[key] = .ended
            return watcher
        }
        watcher?.resume(returning: nil)
    }

    /// Stops watching `lease`.
    func remove(_ lease: LeaseState) {
        switch state.withLock({ $0.entries.removeValue(forKey: ObjectIdentifier(lease)) }) {
        case .waiting(_, let watcher?)?, .leased(let watcher?)?:
            watcher.resume(returning: nil)
        default:
            break
        }
    }

    private func tick() async {
        while true {
            try? await Task.sleep(for: Self.step)
            let now = ContinuousClock.now
            let isDown = reachability?.isDown ?? false
            let (expired, suspicious, keepTicking) = state.withLock { state in
                var expired: [(CheckedContinuation<Expiry?, Never>, Expiry)] = []
                var suspicious = false
                var pending = false
                for (key, entry) in state.entries {
                    guard case .waiting(let since, let watcher) = entry else { continue }
                    let waited = now - since
                    if isDown || waited >= timeout {
                        let expiry: Expiry = isDown ? .databaseDown : .timedOut
                        state.entries[key] = .expired(expiry)
                        if let watcher { expired.append((watcher, expiry)) }
                    } else {
                        pending = true
                        if waited >= DatabaseReachability.suspicionDelay { suspicious = true }
                    }
                }
                state.ticking = pending
                return (expired, suspicious, pending)
            }
            if suspicious { reachability?.suspect() }
            for (watcher, expiry) in expired {
                watcher.resume(returning: expiry)
            }
            guard keepTicking else { return }
        }
    }
}
