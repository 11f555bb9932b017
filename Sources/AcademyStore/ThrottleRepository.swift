public import AcademyCore
public import Foundation
import PostgresNIO

/// Events other than failed logins that a `RateLimit` counts: sign-ups per client address and
/// wrong enrolment keys per student and course and per address. Old rows go with `ExpiredRows`.
public struct ThrottleRepository: Sendable {
    public enum Scope: String, Sendable {
        case registration
        case enrollmentKeyByStudent = "enrollment_key_student"
        case enrollmentKeyByAddress = "enrollment_key_address"
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Seconds to wait before another `scope` event for `key`, or nil when one is allowed.
    public func retryAfterSeconds(_ scope: Scope, key: String, limit: RateLimit) async throws -> Int? {
        let seconds = Double(limit.window.components.seconds)
        let recent = try await database.rows(
            """
            SELECT occurred_at FROM throttle_events
            WHERE scope = \(scope.rawValue) AND key = \(key) AND occurred_at > now() - make_interval(secs => \(seconds))
            ORDER BY occurred_at DESC LIMIT \(limit.maximumEvents)
            """,
            as: Date.self
        )
        return limit.retryAfterSeconds(recent: recent, now: Date())
    }

    public func record(_ scope: Scope, key: String) async throws {
        try await database.run("INSERT INTO throttle_events (scope, key) VALUES (\(scope.rawValue), \(key))")
    }
}
