public import Foundation

public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case student, instructor, admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A person as the API shows them: never with a password or its hash.
public struct User: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var displayName: String
    public var role: Role
    public var locale: String?
    public var timezone: String?
    public var createdAt: Date
    public var disabled: Bool

    public init(id: UUID, email: String, displayName: String, role: Role, locale: String?, timezone: String?, createdAt: Date, disabled: Bool) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.locale = locale
        self.timezone = timezone
        self.createdAt = createdAt
        self.disabled = disabled
    }
}

/// Who is acting: the signed-in user behind a request, or an operator at the CLI.
public struct Principal: Sendable, Equatable {
    public let userID: UUID
    public let role: Role
    public let sessionID: UUID?
    /// The user's preferred language, one step of language negotiation.
    public let locale: String?

    public init(userID: UUID, role: Role, sessionID: UUID?, locale: String? = nil) {
        self.userID = userID
        self.role = role
        self.sessionID = sessionID
        self.locale = locale
    }
}

/// Who asks for a change: a signed-in user, or an operator at the `academy` CLI (who already
/// holds the database's keys, so only the academy-wide invariants apply to them).
public enum Actor: Sendable, Equatable {
    case user(Principal)
    case `operator`

    public var userID: UUID? {
        if case .user(let principal) = self { return principal.userID }
        return nil
    }
}
