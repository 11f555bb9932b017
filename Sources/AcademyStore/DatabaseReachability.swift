public import Logging
import NIOPosix
import NIOSSL
public import PostgresNIO
import Synchronization

/// Whether the database can be reached at all, so that while it is down requests are answered
/// 503 at once instead of each holding its client for the whole lease timeout (the pool waits
/// for a connection forever and never says why). A lease that has waited `suspicionDelay` makes
/// it suspicious: it then opens one connection of its own, outside the pool. If that fails the
/// database counts as down until a probe, once a second, connects again; if it succeeds the pool
/// was merely busy and nothing changes. Probing stops when nobody has asked for a connection for
/// `idleAfter`.
public final class DatabaseReachability: Sendable {
    static let suspicionDelay: Duration = .milliseconds(500)
    static let probeInterval: Duration = .seconds(1)
    static let idleAfter: Duration = .seconds(10)

    private struct State {
        var isDown = false
        var isProbing = false
        var lastProbe: ContinuousClock.Instant?
        var lastDemand = ContinuousClock.now
    }

    private let state = Mutex(State())
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger

    public init(configuration: PostgresConnection.Configuration, logger: Logger) {
        var configuration = configuration
        configuration.options.connectTimeout = .seconds(2)
        self.configuration = configuration
        self.logger = logger.forDatabaseDriver
    }

    /// True while the last probe could not connect. Asking counts as demand.
    var isDown: Bool {
        state.withLock { state in
            state.lastDemand = .now
            return state.isDown
        }
    }

    /// A lease is taking long: probe, unless a probe runs or ran within the last second.
    func suspect() {
        let start = state.withLock { state in
            guard !state.isProbing, state.lastProbe.map({ ContinuousClock.now - $0 >= Self.probeInterval }) ?? true else { return false }
            state.isProbing = true
            return true
        }
        if start {
            Task { await self.probeUntilReachable() }
        }
    }

    private func probeUntilReachable() async {
        while true {
            let reachable = await canConnect()
            let (wasDown, keepProbing) = state.withLock { state in
                let wasDown = state.isDown
                state.isDown = !reachable
                state.lastProbe = .now
                let keepProbing = !reachable && ContinuousClock.now - state.lastDemand < Self.idleAfter
                if !keepProbing {
                    state.isProbing = false
                    if !reachable { state.isDown = false }
                }
                return (wasDown, keepProbing)
            }
            if reachable, wasDown {
                logger.notice("The database can be reached again")
            } else if !reachable, !wasDown {
                logger.error("The database cannot be reached: answering 503 at once until it can")
            }
            guard keepProbing else { return }
            try? await Task.sleep(for: Self.probeInterval)
        }
    }

    private func canConnect() async -> Bool {
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger
            ).get()
            try? await connection.close()
            return true
        } catch {
            return false
        }
    }
}
