public import AcademyStore
public import Logging
public import ServiceLifecycle

/// Prunes expired rows (`ExpiredRows`) once an hour, starting a minute after start-up.
public struct HousekeepingService: NamedService {
    let expiredRows: ExpiredRows
    let logger: Logger

    public init(expiredRows: ExpiredRows, logger: Logger) {
        self.expiredRows = expiredRows
        self.logger = logger
    }

    public func run() async throws {
        var wait = Duration.seconds(60)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let pause = wait
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            wait = .seconds(3600)
            do {
                let pruned = try await expiredRows.prune()
                if pruned > 0 { logger.info("Pruned expired rows", metadata: ["count": "\(pruned)"]) }
            } catch {
                logger.warning("Could not prune expired rows; trying again in an hour", metadata: ["reason": "\(Database.loggable(error))"])
            }
        }
    }
}
