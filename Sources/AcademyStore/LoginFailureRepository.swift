public import Foundation
import Logging
import PostgresNIO

/// Failed logins, counted per account and per client address for throttling.
public struct LoginFailureRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The newest failures within `window`, newest first, at most `limit`, for an account and for
    /// an address.
    public func recent(emailKey: String, clientAddress: String, window: Duration, limit: (account: Int, address: Int)) async throws -> (account: [Date], address: [Date]) {
        let seconds = Double(window.components.seconds)
        return try await database.withConnection { connection in
            let account = try await connection.rows(
                """
                SELECT failed_at FROM login_failures
                WHERE email_key = \(emailKey) AND failed_at > now() - make_interval(secs => \(seconds))
                ORDER BY failed_at DESC LIMIT \(limit.account)
                """,
                as: Date.self
            )
            let address = try await connection.rows(
                """
                SELECT failed_at FROM login_failures
                WHERE client_address = \(clientAddress) AND failed_at > now() - make_interval(secs => \(seconds))
                ORDER BY failed_at DESC LIMIT \(limit.address)
                """,
                as: Date.self
            )
            return (account, address)
        }
    }

    /// Records a failure (and its audit entry); rows older than the window are pruned as it goes.
    public func record(emailKey: String, clientAddress: String, window: Duration, audit: AuditEntry) async throws {
        let seconds = Double(window.components.seconds)
        try await database.withTransaction { connection in
            try await connection.run(
                "INSERT INTO login_failures (email_key, client_address) VALUES (\(emailKey), \(clientAddress))"
            )
            try await connection.run(
                """
                DELETE FROM login_failures
                WHERE (email_key = \(emailKey) OR client_address = \(clientAddress))
                  AND failed_at < now() - make_interval(secs => \(seconds))
                """
            )
            try await AuditLog.append(audit, on: connection)
        }
    }
}
