import AcademyStore
public import Logging
public import ServiceLifecycle

/// Grades abandoned attempts soon after their deadline, and settles enrolments once a quiz's
/// results become visible, so the gradebook and course completion never wait for the student to
/// come back.
public struct AttemptSweeper: NamedService {
    let finisher: AttemptFinisher
    let interval: Duration
    let logger: Logger

    public init(finisher: AttemptFinisher, interval: Duration, logger: Logger) {
        self.finisher = finisher
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let sweep = try await finisher.finishExpired()
                if sweep.finished > 0 {
                    logger.info("Graded expired quiz attempts", metadata: ["count": "\(sweep.finished)"])
                }
                for (attempt, reason) in sweep.failures {
                    logger.error("Could not grade an expired quiz attempt; retrying next round", metadata: ["attempt": "\(attempt)", "reason": "\(reason)"])
                }
                if !sweep.sweptElsewhere {
                    let settled = try await finisher.settleNewlyVisibleResults()
                    if settled > 0 {
                        logger.info("Settled enrolments after quiz results became visible", metadata: ["count": "\(settled)"])
                    }
                }
            } catch {
                // The database may be starting or briefly gone; the next round retries.
                logger.warning("Could not sweep expired attempts", metadata: ["reason": "\(Database.loggable(error))"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
