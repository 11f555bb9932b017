public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// An account as stored: the public user and the password hash that never leaves this module's
/// callers except to be verified.
public struct StoredCredentials: Sendable {
    public let user: User
    public let passwordHash: String
}

/// Account data for a new user, already validated by `AccountRules`.
public struct NewUser: Sendable {
    public var email: String
    public var displayName: String
    public var role: Role
    public var locale: String?
    public var timezone: String?
    public var passwordHash: String

    public init(email: String, displayName: String, role: Role, locale: String?, timezone: String?, passwordHash: String) {
        self.email = email
        self.displayName = displayName
        self.role = role
        self.locale = locale
        self.timezone = timezone
        self.passwordHash = passwordHash
    }
}

public struct UserRepository: Sendable {
    let database: Database
    /// Told of every change to what a session resolves to (role, locale, disabling, passwords).
    let sessions: SessionCache

    public init(database: Database, sessions: SessionCache = SessionCache()) {
        self.database = database
        self.sessions = sessions
    }

    static let columns = "id, email, display_name, role, locale, timezone, created_at, disabled"
    typealias Row = (UUID, String, String, String, String?, String?, Date, Bool)

    static func user(_ row: Row) -> User {
        let (id, email, displayName, role, locale, timezone, createdAt, disabled) = row
        // The column's CHECK constraint admits only the three roles.
        return User(
            id: id, email: email, displayName: displayName, role: Role(rawValue: role) ?? .student,
            locale: locale, timezone: timezone, createdAt: createdAt, disabled: disabled
        )
    }

    /// Creates the account and records `audit` in the same transaction; a taken email is a conflict.
    public func create(_ newUser: NewUser, audit: AuditEntry) async throws -> User {
        do {
            return try await database.withTransaction { connection in
                let rows = try await connection.rows(
                    """
                    INSERT INTO users (email, display_name, role, locale, timezone, password_hash)
                    VALUES (\(newUser.email), \(newUser.displayName), \(newUser.role.rawValue), \(newUser.locale),
                            \(newUser.timezone), \(newUser.passwordHash))
                    RETURNING \(unescaped: Self.columns)
                    """,
                    as: Row.self
                )
                let user = Self.user(rows[0])
                var entry = audit
                entry.subjectID = user.id
                entry.subjectEmail = user.email
                try await AuditLog.append(entry, on: connection)
                return user
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw AcademyError.conflict("An account with this email already exists.")
        }
    }

    public func find(id: UUID) async throws -> User? {
        return try await database.rows(ByID.self, PostgresBindings(id), as: Row.self).first.map(Self.user)
    }

    /// `GET /me` runs it (prepared).
    enum ByID: PreparedSQL {
        static let sql = "SELECT \(columns) FROM users WHERE id = $1"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    public func find(email: String) async throws -> User? {
        try await credentials(email: email)?.user
    }

    public func credentials(email: String) async throws -> StoredCredentials? {
        let key = AccountRules.normalizedEmail(email)
        return try await database.rows(
            "SELECT \(unescaped: Self.columns), password_hash FROM users WHERE email = \(key)",
            as: (UUID, String, String, String, String?, String?, Date, Bool, String).self
        ).first.map { row in
            StoredCredentials(user: Self.user((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7)), passwordHash: row.8)
        }
    }

    public func passwordHash(id: UUID) async throws -> String? {
        return try await database.rows("SELECT password_hash FROM users WHERE id = \(id)", as: String.self).first
    }

    /// Accounts by display name (ICU order, so Arabic and Latin names sort as people expect),
    /// filtered by a search over name and email and by role.
    public func list(matching query: String?, role: Role?, page: PageRequest) async throws -> Page<User> {
        let pattern = query.map { "%" + Self.escapeLike($0) + "%" }
        let afterName = page.after?.sortKey
        let afterID = page.after?.id
        let rows = try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM users
                WHERE (\(pattern)::text IS NULL OR display_name ILIKE \(pattern) OR email ILIKE \(pattern))
                  AND (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue))
                  AND (\(afterName)::text IS NULL
                       OR (display_name COLLATE "und-x-icu", id) > (\(afterName)::text COLLATE "und-x-icu", \(afterID)::uuid))
                ORDER BY display_name COLLATE "und-x-icu", id
                LIMIT \(page.limit + 1)
                """,
                as: Row.self
            )
        }
        return Page(rows: rows.map(Self.user), request: page) { PageCursor(sortKey: $0.displayName, id: $0.id) }
    }

    public func hasActiveAdmin() async throws -> Bool {
        return try await database.rows(
            "SELECT EXISTS (SELECT FROM users WHERE role = 'admin' AND NOT disabled)", as: Bool.self
        ).first ?? false
    }

    /// The user's own profile fields; nil leaves a field as it is.
    public func updateProfile(id: UUID, displayName: String?, locale: String??, timezone: String??) async throws -> User {
        defer { sessions.invalidate(user: id) }
        let rows = try await database.withConnection { connection in
            try await connection.rows(
                """
                UPDATE users SET
                    display_name = COALESCE(\(displayName), display_name),
                    locale = CASE WHEN \(locale != nil) THEN \(locale ?? nil) ELSE locale END,
                    timezone = CASE WHEN \(timezone != nil) THEN \(timezone ?? nil) ELSE timezone END,
                    updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )
        }
        guard let row = rows.first else { throw AcademyError.notFound("No such user.") }
        return Self.user(row)
    }

    /// A change of role, disabled flag or display name by an admin or an operator, checked by
    /// `AccountPolicy` under a lock on the active admins so that two admins demoting each other
    /// at once cannot leave the academy without one. Disabling revokes every session. `audit`
    /// carries where the change came from; one entry is written per kind of change made.
    public func changeAccess(
        of id: UUID,
        by actor: Actor,
        role: Role?,
        disabled: Bool?,
        displayName: String?,
        audit: AuditEntry
    ) async throws -> User {
        defer { sessions.invalidate(user: id) }
        return try await database.withTransaction { connection in
            let admins = try await connection.rows(
                "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE",
                as: UUID.self
            )
            guard let targetRow = try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id) FOR UPDATE", as: Row.self
            ).first else {
                throw AcademyError.notFound("No such user.")
            }
            let target = Self.user(targetRow)
            try AccountPolicy.checkChange(by: actor, of: target, role: role, disabled: disabled, activeAdminCount: admins.count)
            let updated = Self.user(try await connection.rows(
                """
                UPDATE users SET
                    role = COALESCE(\(role?.rawValue), role),
                    disabled = COALESCE(\(disabled), disabled),
                    display_name = COALESCE(\(displayName), display_name),
                    updated_at = now()
                WHERE id = \(id)
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )[0])
            var entries: [AuditEntry] = []
            if updated.role != target.role {
                var entry = audit
                entry.event = .roleChanged
                entry.details = ["from": target.role.rawValue, "to": updated.role.rawValue]
                entries.append(entry)
            }
            if updated.disabled != target.disabled {
                var entry = audit
                entry.event = updated.disabled ? .userDisabled : .userEnabled
                entries.append(entry)
                if updated.disabled {
                    try await SessionRepository.revokeAll(userID: id, except: nil, on: connection)
                }
            }
            for var entry in entries {
                entry.actorID = actor.userID
                entry.subjectID = id
                entry.subjectEmail = updated.email
                try await AuditLog.append(entry, on: connection)
            }
            return updated
        }
    }

    /// Sets a new password hash; every session of the user except `keepingSession` is revoked.
    public func replacePasswordHash(
        of id: UUID, with hash: String, keepingSession: UUID?, audit: AuditEntry
    ) async throws {
        defer { sessions.invalidate(user: id) }
        try await database.withTransaction { connection in
            let updated = try await connection.rows(
                "UPDATE users SET password_hash = \(hash), updated_at = now() WHERE id = \(id) RETURNING email",
                as: String.self
            )
            guard let email = updated.first else { throw AcademyError.notFound("No such user.") }
            try await SessionRepository.revokeAll(userID: id, except: keepingSession, on: connection)
            var entry = audit
            entry.subjectID = id
            entry.subjectEmail = email
            try await AuditLog.append(entry, on: connection)
        }
    }

    /// A hash computed with weaker parameters, replaced after a successful login. Only if it is
    /// still the one that was verified: a password change in between wins.
    public func upgradePasswordHash(of id: UUID, from oldHash: String, to newHash: String) async throws {
        try await database.run(
            "UPDATE users SET password_hash = \(newHash) WHERE id = \(id) AND password_hash = \(oldHash)"
        )
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
