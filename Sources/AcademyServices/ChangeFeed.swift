public import AcademyStore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// An in-memory copy that must hear of changes made by any instance (signing keys, sessions).
public protocol ChangeFollower: Sendable {
    /// The PostgreSQL notification channel it follows.
    var channel: String { get }
    /// Listening has (re)started: anything announced before may have been missed.
    func listening() async throws
    func notified(_ payload: String) async throws
    /// The listening connection is gone: nothing will be heard until `listening` again.
    func lost() async
}

/// Listens on one pooled connection for every follower's channel and hands each notification to
/// its follower. While the database cannot be reached it retries with backoff; followers are
/// told when listening starts and when it is lost, so that they trust their copy only while
/// changes can reach them.
struct ChangeFeed: Sendable {
    let database: Database
    let followers: [any ChangeFollower]
    let logger: Logger

    static let maximumRetryDelay: Duration = .seconds(30)

    /// Returns at shutdown.
    func run() async {
        await cancelWhenGracefulShutdown {
            var delay: Duration = .seconds(1)
            while !Task.isCancelled {
                let attempt = ListenAttempt()
                do {
                    try await listen(attempt)
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning(
                        "Change notifications not followed; retrying",
                        metadata: ["retry_in": "\(delay)", "reason": "\(Database.loggable(error))"]
                    )
                }
                for follower in followers {
                    await follower.lost()
                }
                if attempt.listened.load(ordering: .relaxed) {
                    delay = .seconds(1)
                }
                guard !Task.isCancelled else { break }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, Self.maximumRetryDelay)
            }
        }
    }

    /// Whether one round got as far as listening: then the next retry starts again from 1 s.
    private final class ListenAttempt: Sendable {
        let listened = Atomic(false)
    }

    private func listen(_ attempt: ListenAttempt) async throws {
        let followers = self.followers
        try await database.withConnection { connection in
            var feeds: [(any ChangeFollower, PostgresNotificationSequence)] = []
            for follower in followers {
                feeds.append((follower, try await connection.underlying.listen(follower.channel)))
            }
            for follower in followers {
                try await follower.listening()
            }
            attempt.listened.store(true, ordering: .relaxed)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (follower, notifications) in feeds {
                    group.addTask {
                        for try await notification in notifications {
                            try await follower.notified(notification.payload)
                        }
                        throw CancellationError()
                    }
                }
                try await group.next()
            }
        }
    }
}

extension SessionCache: ChangeFollower {
    public var channel: String { Self.changeChannel }

    public func listening() async throws {
        startTrusting()
    }

    public func notified(_ payload: String) async throws {
        apply(notification: payload)
    }

    public func lost() async {
        stopTrusting()
    }
}
