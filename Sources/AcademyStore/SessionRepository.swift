public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// A session as its owner sees it in `/me/sessions`.
public struct SessionRecord: Sendable, Equatable {
    public let id: UUID
    public let userID: UUID
    public let keyID: String
    public let createdAt: Date
    public let expiresAt: Date
    public let revokedAt: Date?
    public let clientAddress: String?
    public let userAgent: String?
}

/// What a valid token's session resolves to: whose it is and their role, as of now.
public struct ActiveSession: Sendable, Equatable {
    public let sessionID: UUID
    public let userID: UUID
    public let role: Role
    public let locale: String?
    public let expiresAt: Date
}

public struct SessionRepository: Sendable {
    let database: Database
    let cache: SessionCache

    /// `cache` is shared with the user and signing-key repositories, which invalidate it too; a
    /// cache nobody follows changes for (the default) is never trusted, so every lookup reads.
    public init(database: Database, cache: SessionCache = SessionCache()) {
        self.database = database
        self.cache = cache
    }

    static let columns = "id, user_id, key_id, created_at, expires_at, revoked_at, client_address, user_agent"
    typealias Row = (UUID, UUID, String, Date, Date, Date?, String?, String?)

    static func record(_ row: Row) -> SessionRecord {
        SessionRecord(
            id: row.0, userID: row.1, keyID: row.2, createdAt: row.3, expiresAt: row.4,
            revokedAt: row.5, clientAddress: row.6, userAgent: row.7
        )
    }

    /// Opens a session after a successful login: clears the failed attempts of this account from
    /// this address (failures elsewhere still count: they may be someone else guessing) and
    /// records the login, all in one transaction.
    public func open(
        id: UUID, for user: User, keyID: String, expiresAt: Date, clientAddress: String?, userAgent: String?, audit: AuditEntry
    ) async throws -> SessionRecord {
        let agent = userAgent.map { String($0.prefix(512)) }
        return try await database.withTransaction { connection in
            let row = try await connection.rows(
                """
                INSERT INTO sessions (id, user_id, key_id, expires_at, client_address, user_agent)
                VALUES (\(id), \(user.id), \(keyID), \(expiresAt), \(clientAddress), \(agent))
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )[0]
            try await connection.run("DELETE FROM login_failures WHERE email_key = \(user.email) AND client_address = \(clientAddress ?? "unknown")")
            try await AuditLog.append(audit, on: connection)
            return Self.record(row)
        }
    }

    /// Every request with a token this instance has not cached runs it (prepared).
    enum Active: PreparedSQL {
        static let sql = """
            SELECT s.id, s.user_id, u.role, u.locale, s.expires_at
            FROM sessions s
            JOIN users u ON u.id = s.user_id
            JOIN signing_keys k ON k.id = s.key_id
            WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
              AND NOT u.disabled AND k.retired_at IS NULL
            """
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    /// The session behind a verified token, if it is still good: not revoked, not expired, its
    /// user not disabled and its key not retired.
    public func active(id: UUID) async throws -> ActiveSession? {
        if let cached = cache.session(id) {
            return cached
        }
        let ticket = cache.ticket()
        let session = try await database.rows(Active.self, PostgresBindings(id), as: (UUID, UUID, String, String?, Date).self).first.map { row in
            ActiveSession(sessionID: row.0, userID: row.1, role: Role(rawValue: row.2) ?? .student, locale: row.3, expiresAt: row.4)
        }
        if let session {
            cache.store(session, readWith: ticket)
        }
        return session
    }

    /// The user's sessions that are still usable, newest first.
    public func listActive(userID: UUID) async throws -> [SessionRecord] {
        return try await database.rows(
            """
            SELECT \(unescaped: Self.columns) FROM sessions
            WHERE user_id = \(userID) AND revoked_at IS NULL AND expires_at > now()
            ORDER BY created_at DESC LIMIT 200
            """,
            as: Row.self
        ).map(Self.record)
    }

    /// Revokes one of the user's sessions; false when the user has no such active session.
    public func revoke(id: UUID, ownedBy userID: UUID, audit: AuditEntry) async throws -> Bool {
        defer { cache.invalidate(session: id) }
        return try await database.withTransaction { connection in
            let revoked = try await connection.rows(
                """
                UPDATE sessions SET revoked_at = now()
                WHERE id = \(id) AND user_id = \(userID) AND revoked_at IS NULL
                RETURNING id
                """,
                as: UUID.self
            )
            guard !revoked.isEmpty else { return false }
            try await AuditLog.append(audit, on: connection)
            return true
        }
    }

    /// Revokes every session of a user (the CLI's `sessions revoke --user`); returns how many.
    public func revokeAll(userID: UUID, audit: AuditEntry) async throws -> Int {
        defer { cache.invalidate(user: userID) }
        return try await database.withTransaction { connection in
            let count = try await Self.revokeAll(userID: userID, except: nil, on: connection)
            var entry = audit
            entry.details["count"] = String(count)
            try await AuditLog.append(entry, on: connection)
            return count
        }
    }

    @discardableResult
    static func revokeAll(userID: UUID, except kept: UUID?, on connection: DatabaseConnection) async throws -> Int {
        try await connection.rows(
            """
            UPDATE sessions SET revoked_at = now()
            WHERE user_id = \(userID) AND revoked_at IS NULL AND (\(kept)::uuid IS NULL OR id <> \(kept))
            RETURNING id
            """,
            as: UUID.self
        ).count
    }
}
