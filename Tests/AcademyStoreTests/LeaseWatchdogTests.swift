@testable import AcademyStore
import Testing

@Suite struct LeaseWatchdogTests {
    @Test func aWaitLongerThanTheTimeoutExpires() async {
        let watchdog = LeaseWatchdog(timeout: .milliseconds(300), reachability: nil)
        let lease = LeaseState()
        let started = ContinuousClock.now
        watchdog.register(lease, since: started)
        defer { watchdog.remove(lease) }
        let expiry = await watchdog.expiry(of: lease)
        #expect(expiry == .timedOut)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300))
        #expect(waited < .seconds(3))
    }

    @Test func aClaimedLeaseIsNotTimedAndIsWatchedUntilItsWorkEnds() async {
        let watchdog = LeaseWatchdog(timeout: .milliseconds(100), reachability: nil)
        let lease = LeaseState()
        watchdog.register(lease, since: .now)
        defer { watchdog.remove(lease) }
        watchdog.claimed(lease)
        let started = ContinuousClock.now
        async let expiry = watchdog.expiry(of: lease)
        try? await Task.sleep(for: .milliseconds(400))
        watchdog.ended(lease)
        #expect(await expiry == nil)
        #expect(ContinuousClock.now - started >= .milliseconds(400))
    }

    @Test func aWaitThatEndsStopsBeingWatched() async {
        let watchdog = LeaseWatchdog(timeout: .seconds(30), reachability: nil)
        let lease = LeaseState()
        watchdog.register(lease, since: .now)
        defer { watchdog.remove(lease) }
        async let expiry = watchdog.expiry(of: lease)
        try? await Task.sleep(for: .milliseconds(50))
        watchdog.ended(lease)
        #expect(await expiry == nil)
    }

    @Test func aWaitThatEndedBeforeItsWatcherRanIsNotWatched() async {
        let watchdog = LeaseWatchdog(timeout: .milliseconds(100), reachability: nil)
        let lease = LeaseState()
        watchdog.register(lease, since: .now)
        defer { watchdog.remove(lease) }
        watchdog.ended(lease)
        try? await Task.sleep(for: .milliseconds(300))
        #expect(await watchdog.expiry(of: lease) == nil)
    }

    @Test func aCancelledWatcherReturnsAtOnce() async {
        let watchdog = LeaseWatchdog(timeout: .seconds(30), reachability: nil)
        let lease = LeaseState()
        watchdog.register(lease, since: .now)
        defer { watchdog.remove(lease) }
        let watcher = Task { await watchdog.expiry(of: lease) }
        try? await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        watcher.cancel()
        #expect(await watcher.value == nil)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func manyWaitsExpireTogetherFromOneTicker() async {
        let watchdog = LeaseWatchdog(timeout: .milliseconds(200), reachability: nil)
        let leases = (0..<500).map { _ in LeaseState() }
        for lease in leases { watchdog.register(lease, since: .now) }
        let expiries = await withTaskGroup(of: LeaseWatchdog.Expiry?.self) { group in
            for lease in leases { group.addTask { await watchdog.expiry(of: lease) } }
            return await group.reduce(into: [LeaseWatchdog.Expiry?]()) { $0.append($1) }
        }
        for lease in leases { watchdog.remove(lease) }
        #expect(expiries.count == 500)
        #expect(expiries.allSatisfy { $0 == .timedOut })
    }
}
