public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

public struct Attachment: Sendable, Equatable {
    public let id: UUID
    public let lessonID: UUID
    public let sha256: String
    public let filename: String
    public let contentType: String
    public let size: Int
    public let createdAt: Date
}

/// A file already written and synced under its hash, to be recorded with a new lesson.
public struct PendingAttachment: Sendable {
    public let id: UUID
    public let sha256: String
    public let size: Int
    public let filename: String
    public let contentType: String

    public init(id: UUID, sha256: String, size: Int, filename: String, contentType: String) {
        self.id = id
        self.sha256 = sha256
        self.size = size
        self.filename = filename
        self.contentType = contentType
    }
}

public struct AttachmentRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "id, lesson_id, sha256, filename, content_type, size, created_at"
    typealias Row = (UUID, UUID, String, String, String, Int, Date)

    static func attachment(_ row: Row) -> Attachment {
        Attachment(id: row.0, lessonID: row.1, sha256: row.2, filename: row.3, contentType: row.4, size: row.5, createdAt: row.6)
    }

    /// Records a file already written and synced under its hash: the blob (once) and the
    /// lesson's attachment, in one transaction.
    public func attach(lessonID: UUID, sha256: String, size: Int, filename: String, contentType: String) async throws -> Attachment {
        return try await database.withTransaction { connection in
            try await connection.run(
                "INSERT INTO blobs (sha256, size) VALUES (\(sha256), \(size)) ON CONFLICT (sha256) DO NOTHING"
            )
            return Self.attachment(try await connection.rows(
                """
                INSERT INTO lesson_attachments (lesson_id, sha256, filename, content_type, size)
                VALUES (\(lessonID), \(sha256), \(filename), \(contentType), \(size))
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )[0])
        }
    }

    static func record(_ attachment: PendingAttachment, lessonID: UUID, on connection: DatabaseConnection) async throws {
        try await connection.run(
            "INSERT INTO blobs (sha256, size) VALUES (\(attachment.sha256), \(attachment.size)) ON CONFLICT (sha256) DO NOTHING"
        )
        try await connection.run(
            """
            INSERT INTO lesson_attachments (id, lesson_id, sha256, filename, content_type, size)
            VALUES (\(attachment.id), \(lessonID), \(attachment.sha256), \(attachment.filename), \(attachment.contentType), \(attachment.size))
            """
        )
    }

    /// An attachment and the kind of item (a lesson, a live session) it belongs to: who may
    /// download it depends on that.
    public func find(_ id: UUID) async throws -> (attachment: Attachment, itemKind: CourseItem.Kind)? {
        guard let row = try await database.undecodedRows(WithItemKind.self, PostgresBindings(id)).first else { return nil }
        var columns = ColumnReader(row)
        let attachment = Self.attachment(try columns.read(Row.self))
        return (attachment, CourseItem.Kind(rawValue: try columns.read(String.self)) ?? .lesson)
    }

    /// Prepared: every download (audio and video seek in many ranged requests) starts here.
    enum WithItemKind: PreparedSQL {
        static let sql = "SELECT \(columns), (SELECT i.kind FROM course_items i WHERE i.id = lesson_id) FROM lesson_attachments WHERE id = $1"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    public func attachments(of lessonID: UUID) async throws -> [Attachment] {
        return try await database.rows(OfLesson.self, PostgresBindings(lessonID), as: Row.self).map(Self.attachment)
    }

    /// After a lesson is edited or uploaded, and for exports (a lesson read gets its attachments
    /// with the lesson: CourseContentRepository.lessonWithStanding).
    enum OfLesson: PreparedSQL {
        static let sql = "SELECT \(columns) FROM lesson_attachments WHERE lesson_id = $1 ORDER BY created_at, id"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }
}
