public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// Failed logins, counted per account, per client address and per pair of them for throttling.
public struct LoginFailureRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What the throttle needs to judge a sign-in to `email` from `clientAddress`: the newest
    /// failures within `window` for the pair, the address and the account (newest first, each
    /// cut at its limit), and whether the account signed in from this address in the last 30 days.
    public func recent(
        email: String, clientAddress: String, window: Duration, limits: (accountFromAddress: Int, fromAddress: Int, account: Int)
    ) async throws -> LoginThrottlePolicy.Failures {
        let seconds = Double(window.components.seconds)
        let rows = try await database.rows(
            """
            SELECT
                ARRAY(SELECT failed_at FROM login_failures
                      WHERE email_key = \(email) AND client_address = \(clientAddress) AND failed_at > now() - make_interval(secs => \(seconds))
                      ORDER BY failed_at DESC LIMIT \(limits.accountFromAddress)),
                ARRAY(SELECT failed_at FROM login_failures
                      WHERE client_address = \(clientAddress) AND failed_at > now() - make_interval(secs => \(seconds))
                      ORDER BY failed_at DESC LIMIT \(limits.fromAddress)),
                ARRAY(SELECT failed_at FROM login_failures
                      WHERE email_key = \(email) AND failed_at > now() - make_interval(secs => \(seconds))
                      ORDER BY failed_at DESC LIMIT \(limits.account)),
                EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
                        WHERE u.email = \(email) AND s.client_address = \(clientAddress)
                          AND s.created_at > now() - interval '30 days')
            """,
            as: ([Date], [Date], [Date], Bool).self
        )
        let (pair, address, account, known) = rows[0]
        return .init(accountFromAddress: pair, fromAddress: address, account: account, knownClient: known)
    }

    /// Records a failure and its audit entry. Old rows go with `ExpiredRows`; the lookups read
    /// only the window anyway.
    public func record(email emailKey: String, clientAddress: String, audit: AuditEntry) async throws {
        try await database.withTransaction { connection in
            try await connection.run(
                "INSERT INTO login_failures (email_key, client_address) VALUES (\(emailKey), \(clientAddress))"
            )
            try await AuditLog.append(audit, on: connection)
        }
    }
}
