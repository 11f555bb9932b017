public import Foundation
import Logging
import PostgresNIO

/// A session-signing key as stored, with its lifecycle. Making and using keys is the crypto
/// module's business; this one only keeps them.
public struct SigningKeyRecord: Sendable, Equatable {
    public let id: String
    public let secret: [UInt8]
    public let createdAt: Date
    public let retiredAt: Date?

    public init(id: String, secret: [UInt8], createdAt: Date = Date(), retiredAt: Date? = nil) {
        self.id = id
        self.secret = secret
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}

/// The keys that sign and verify session tokens. The newest key that is not retired signs new
/// tokens; every key that is not retired verifies.
public struct SigningKeyRepository: Sendable {
    let database: Database
    /// Emptied when a key is retired: its sessions end with it.
    let sessions: SessionCache

    public init(database: Database, sessions: SessionCache = SessionCache()) {
        self.database = database
        self.sessions = sessions
    }

    /// Keys that verify tokens, newest first. The first one signs.
    public func usableKeys() async throws -> [SigningKeyRecord] {
        try await all().filter { $0.retiredAt == nil }
    }

    public func all() async throws -> [SigningKeyRecord] {
        return try await database.rows(
            "SELECT id, secret, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, id",
            as: (String, Data, Date, Date?).self
        ).map { SigningKeyRecord(id: $0.0, secret: Array($0.1), createdAt: $0.2, retiredAt: $0.3) }
    }

    /// Creates the first key on the first start; concurrent starts create exactly one.
    public func ensureUsableKey(creating newKey: @escaping @Sendable () -> SigningKeyRecord) async throws {
        try await database.withTransaction { connection in
            try await connection.run("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
            let usable = try await connection.rows(
                "SELECT count(*)::int FROM signing_keys WHERE retired_at IS NULL", as: Int.self
            )
            if usable.first == 0 {
                try await Self.insert(newKey(), on: connection)
                try await Self.notifyChanged(on: connection)
            }
        }
    }

    /// Adds a key that signs from now on; older keys keep verifying until they are retired.
    public func rotate(to key: SigningKeyRecord, audit: AuditEntry) async throws {
        try await database.withTransaction { connection in
            try await Self.insert(key, on: connection)
            var entry = audit
            entry.details["key_id"] = key.id
            try await AuditLog.append(entry, on: connection)
            try await Self.notifyChanged(on: connection)
        }
    }

    /// Retires a key: every token it signed stops verifying at once, on every instance. The last
    /// usable key cannot be retired (rotate first), or nobody could sign in.
    public func retire(id: String, audit: AuditEntry) async throws {
        defer { sessions.invalidateAll() }
        try await database.withTransaction { connection in
            try await connection.run("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
            let usable = try await connection.rows(
                "SELECT id FROM signing_keys WHERE retired_at IS NULL", as: String.self
            )
            guard usable.contains(id) else {
                throw SigningKeyError.noUsableKey(id)
            }
            guard usable.count > 1 else {
                throw SigningKeyError.lastUsableKey(id)
            }
            try await connection.run("UPDATE signing_keys SET retired_at = now() WHERE id = \(id)")
            try await connection.run(
                "UPDATE sessions SET revoked_at = now() WHERE key_id = \(id) AND revoked_at IS NULL"
            )
            var entry = audit
            entry.details["key_id"] = id
            try await AuditLog.append(entry, on: connection)
            try await Self.notifyChanged(on: connection)
        }
    }

    /// Instances keep the keys in memory to check signatures without the database; they listen
    /// on this channel and reload when a transaction that changed the keys commits.
    public static let changeChannel = "academy_signing_keys"

    static func notifyChanged(on connection: DatabaseConnection) async throws {
        try await connection.run("SELECT pg_notify(\(Self.changeChannel), '')")
    }

    /// Stores a key's secret in another form (sealed at rest), unless another instance did first;
    /// the key itself does not change.
    public func replaceSecret(of id: String, was previous: [UInt8], with stored: [UInt8]) async throws {
        try await database.run("UPDATE signing_keys SET secret = \(Data(stored)) WHERE id = \(id) AND secret = \(Data(previous))")
    }

    static func insert(_ key: SigningKeyRecord, on connection: DatabaseConnection) async throws {
        try await connection.run(
            "INSERT INTO signing_keys (id, secret) VALUES (\(key.id), \(Data(key.secret)))"
        )
    }
}

public enum SigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case noUsableKey(String)
    case lastUsableKey(String)

    public var description: String {
        switch self {
        case .noUsableKey(let id): "No usable signing key has the id \(id) (see `academy keys list`)."
        case .lastUsableKey(let id): "\(id) is the only usable signing key; run `academy keys rotate` first."
        }
    }
}
