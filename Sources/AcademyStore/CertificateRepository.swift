public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// A stored certificate-signing key (the signing itself is the crypto module's).
public struct CertificateKeyRecord: Sendable, Equatable {
    public let id: String
    public let privateKey: [UInt8]
    public let publicKey: [UInt8]

    public init(id: String, privateKey: [UInt8], publicKey: [UInt8]) {
        self.id = id
        self.privateKey = privateKey
        self.publicKey = publicKey
    }
}

public struct CertificateRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "id, enrollment_id, payload, signature, key_id, issued_at, revoked_at, revoked_reason"
    typealias Row = (UUID, UUID, String, String, String, Date, Date?, String?)

    static func certificate(_ row: Row) -> Certificate {
        Certificate(id: row.0, enrollmentID: row.1, payload: row.2, signature: row.3, keyID: row.4, issuedAt: row.5, revokedAt: row.6, revokedReason: row.7)
    }

    /// The newest key, creating the first one (made by `newKey`) when there is none.
    public func signingKey(creating newKey: @escaping @Sendable () -> CertificateKeyRecord) async throws -> CertificateKeyRecord {
        return try await database.withTransaction { connection in
            try await connection.run("LOCK TABLE certificate_keys IN SHARE ROW EXCLUSIVE MODE")
            if let row = try await connection.rows(
                "SELECT id, private_key, public_key FROM certificate_keys ORDER BY created_at DESC, id LIMIT 1",
                as: (String, Data, Data).self
            ).first {
                return CertificateKeyRecord(id: row.0, privateKey: Array(row.1), publicKey: Array(row.2))
            }
            let key = newKey()
            try await connection.run(
                "INSERT INTO certificate_keys (id, private_key, public_key) VALUES (\(key.id), \(Data(key.privateKey)), \(Data(key.publicKey)))"
            )
            return key
        }
    }

    /// Adds a key that signs from now on (the newest signs); the older ones stay, so that what
    /// they signed still verifies.
    public func addKey(_ key: CertificateKeyRecord) async throws {
        try await database.withTransaction { connection in
            // Serialised with `signingKey`, and created after every key there is, whatever the clocks.
            try await connection.run("LOCK TABLE certificate_keys IN SHARE ROW EXCLUSIVE MODE")
            try await connection.run(
                """
                INSERT INTO certificate_keys (id, private_key, public_key, created_at)
                SELECT \(key.id), \(Data(key.privateKey)), \(Data(key.publicKey)),
                       greatest(now(), coalesce(max(created_at) + interval '1 microsecond', now()))
                FROM certificate_keys
                """
            )
        }
    }

    public func keys() async throws -> [CertificateKeyRecord] {
        try await database.rows("SELECT id, private_key, public_key FROM certificate_keys ORDER BY created_at, id", as: (String, Data, Data).self)
            .map { CertificateKeyRecord(id: $0.0, privateKey: Array($0.1), publicKey: Array($0.2)) }
    }

    /// Stores a key's private half in another form (sealed at rest), unless another instance did
    /// first; the key itself does not change.
    public func replacePrivateKey(of id: String, was previous: [UInt8], with stored: [UInt8]) async throws {
        try await database.run("UPDATE certificate_keys SET private_key = \(Data(stored)) WHERE id = \(id) AND private_key = \(Data(previous))")
    }

    public func publicKey(id: String) async throws -> [UInt8]? {
        return try await database.rows("SELECT public_key FROM certificate_keys WHERE id = \(id)", as: Data.self).first.map { Array($0) }
    }

    public func nextSerial() async throws -> Int {
        return try await database.rows("SELECT nextval('certificate_serial_seq')::int", as: Int.self)[0]
    }

    /// Stores the certificate unless the enrolment has one already; returns the one that stands.
    public func issue(
        id: UUID, enrollment: Enrollment, serial: String, payload: String, signature: String, keyID: String
    ) async throws -> Certificate {
        return try await database.withConnection { connection in
            if let row = try await connection.rows(
                """
                INSERT INTO certificates (id, enrollment_id, user_id, course_id, serial, payload, signature, key_id)
                VALUES (\(id), \(enrollment.id), \(enrollment.userID), \(enrollment.courseID), \(serial), \(payload), \(signature), \(keyID))
                ON CONFLICT (enrollment_id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            ).first {
                return Self.certificate(row)
            }
            return Self.certificate(try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM certificates WHERE enrollment_id = \(enrollment.id)", as: Row.self
            )[0])
        }
    }

    public func find(_ id: UUID) async throws -> Certificate? {
        return try await database.rows("SELECT \(unescaped: Self.columns) FROM certificates WHERE id = \(id)", as: Row.self)
            .first.map(Self.certificate)
    }

    public func certificates(of userID: UUID) async throws -> [Certificate] {
        return try await database.rows(
            "SELECT \(unescaped: Self.columns) FROM certificates WHERE user_id = \(userID) ORDER BY issued_at DESC",
            as: Row.self
        ).map(Self.certificate)
    }

    public func revoke(_ id: UUID, reason: String) async throws -> Bool {
        return !(try await database.rows(
            "UPDATE certificates SET revoked_at = now(), revoked_reason = \(reason) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
            as: UUID.self
        ).isEmpty)
    }
}
