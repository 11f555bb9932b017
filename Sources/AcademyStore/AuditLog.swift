public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// A security event, as the audit log records it.
public struct AuditEntry: Sendable, Equatable {
    public enum Event: String, Sendable, CaseIterable {
        case loginSucceeded = "login.succeeded"
        case loginFailed = "login.failed"
        case logout = "logout"
        case registered = "user.registered"
        case registrationForTakenEmail = "user.registration_for_taken_email"
        case userCreated = "user.created"
        case roleChanged = "user.role_changed"
        case userDisabled = "user.disabled"
        case userEnabled = "user.enabled"
        case passwordChanged = "user.password_changed"
        case passwordReset = "user.password_reset"
        case sessionRevoked = "session.revoked"
        case sessionsRevoked = "sessions.revoked"
        case keyRotated = "key.rotated"
        case keyRetired = "key.retired"
    }

    public var event: Event
    public var actorID: UUID?
    public var subjectID: UUID?
    public var subjectEmail: String?
    public var requestID: String?
    public var clientAddress: String?
    public var details: [String: String]
    public var occurredAt: Date?

    public init(
        _ event: Event, actorID: UUID? = nil, subjectID: UUID? = nil, subjectEmail: String? = nil,
        requestID: String? = nil, clientAddress: String? = nil, details: [String: String] = [:]
    ) {
        self.event = event
        self.actorID = actorID
        self.subjectID = subjectID
        self.subjectEmail = subjectEmail
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.details = details
        self.occurredAt = nil
    }
}

/// Where security events are written (in the same transaction as the change they record) and read.
public struct AuditLog: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Text that came from a caller is stored escaped (`PrintableText`): an email typed as
    /// "x\n2026-… login.succeeded" must not become a second line in anyone's terminal or log.
    static func append(_ entry: AuditEntry, on connection: DatabaseConnection) async throws {
        let details = String(decoding: try JSONEncoder().encode(entry.details.mapValues { PrintableText.escaped($0) }), as: UTF8.self)
        let subjectEmail = entry.subjectEmail.map { PrintableText.escaped($0) }
        let requestID = entry.requestID.map { PrintableText.escaped($0) }
        let clientAddress = entry.clientAddress.map { PrintableText.escaped($0) }
        try await connection.run(
            """
            INSERT INTO audit_log (event, actor_id, subject_id, subject_email, request_id, client_address, details)
            VALUES (\(entry.event.rawValue), \(entry.actorID), \(entry.subjectID), \(subjectEmail),
                    \(requestID), \(clientAddress), \(details)::jsonb)
            """
        )
    }

    public func append(_ entry: AuditEntry) async throws {
        try await database.withConnection { connection in
            try await Self.append(entry, on: connection)
        }
    }

    /// The newest `limit` entries, newest first.
    public func tail(limit: Int) async throws -> [AuditEntry] {
        return try await database.rows(
            """
            SELECT event, actor_id, subject_id, subject_email, request_id, client_address, details::text, occurred_at
            FROM audit_log ORDER BY occurred_at DESC, id DESC LIMIT \(limit)
            """,
            as: (String, UUID?, UUID?, String?, String?, String?, String, Date).self
        ).compactMap { event, actor, subject, email, requestID, address, details, occurredAt in
            guard let event = AuditEntry.Event(rawValue: event) else { return nil }
            var entry = AuditEntry(
                event, actorID: actor, subjectID: subject, subjectEmail: email, requestID: requestID, clientAddress: address,
                details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]
            )
            entry.occurredAt = occurredAt
            return entry
        }
    }
}
