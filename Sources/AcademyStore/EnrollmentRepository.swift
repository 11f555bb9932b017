public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// One row of a course's roster, or of a student's own list.
public struct EnrollmentSummary: Sendable, Equatable {
    public let enrollment: Enrollment
    public let user: User
    public let progress: CourseProgress
}

public struct EnrollmentRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The statuses `EnrollmentStatus.admitting` names, as the database stores them.
    static let admittingStatuses = EnrollmentStatus.admitting.map(\.rawValue)

    static let columns = "e.id, e.course_id, e.user_id, e.status, e.enrolled_at, e.updated_at, e.last_activity_at"
    typealias Row = (UUID, UUID, UUID, String, Date, Date, Date?)

    static func enrollment(_ row: Row) -> Enrollment {
        Enrollment(
            id: row.0, courseID: row.1, userID: row.2, status: EnrollmentStatus(rawValue: row.3) ?? .dropped,
            enrolledAt: row.4, updatedAt: row.5, lastActivityAt: row.6
        )
    }

    /// Enrols (or re-enrols) a user. `decide` turns the existing status into the new one (or
    /// refuses); a seat is checked under a lock on the course row, so a race of enrolments can
    /// never fill more than `capacity` seats.
    public func enroll(
        userID: UUID, in courseID: UUID, capacity: Int?,
        decide: @escaping @Sendable (EnrollmentStatus?) throws -> EnrollmentStatus
    ) async throws -> (enrollment: Enrollment, created: Bool) {
        return try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM courses WHERE id = \(courseID) FOR UPDATE")
            let existing = try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM enrollments e WHERE e.course_id = \(courseID) AND e.user_id = \(userID)",
                as: Row.self
            ).first.map(Self.enrollment)
            let status = try decide(existing?.status)
            if status == .active {
                try await Self.checkSeat(in: courseID, capacity: capacity, on: connection)
            }
            let row = try await connection.rows(
                """
                INSERT INTO enrollments AS e (course_id, user_id, status) VALUES (\(courseID), \(userID), \(status.rawValue))
                ON CONFLICT (course_id, user_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()
                RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )[0]
            return (Self.enrollment(row), existing == nil)
        }
    }

    /// Enrols many people at once (the CLI's CSV import), all or none: one transaction, seats
    /// counted once for all of them. People already active or completed are left as they are.
    public func enrollAll(userIDs: [UUID], in courseID: UUID, capacity: Int?) async throws -> Int {
        return try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM courses WHERE id = \(courseID) FOR UPDATE")
            let enrolled: [UUID] = try await connection.rows(
                "SELECT user_id FROM enrollments WHERE course_id = \(courseID) AND status = ANY(\(Self.admittingStatuses))",
                as: UUID.self
            )
            let already = Set(enrolled)
            let newcomers = userIDs.filter { !already.contains($0) }
            if let capacity, already.count + newcomers.count > capacity {
                throw AcademyError.courseFull(capacity: capacity)
            }
            for userID in newcomers {
                try await connection.run(
                    """
                    INSERT INTO enrollments (course_id, user_id, status) VALUES (\(courseID), \(userID), 'active')
                    ON CONFLICT (course_id, user_id) DO UPDATE SET status = 'active', updated_at = now()
                    """
                )
            }
            return newcomers.count
        }
    }

    static func checkSeat(in courseID: UUID, capacity: Int?, on connection: DatabaseConnection) async throws {
        guard let capacity else { return }
        let taken = try await connection.rows(
            "SELECT count(*)::int FROM enrollments WHERE course_id = \(courseID) AND status = ANY(\(Self.admittingStatuses))",
            as: Int.self
        )[0]
        if taken >= capacity {
            throw AcademyError.courseFull(capacity: capacity)
        }
    }

    public func find(_ id: UUID) async throws -> Enrollment? {
        return try await database.rows(
            "SELECT \(unescaped: Self.columns) FROM enrollments e WHERE e.id = \(id)", as: Row.self
        ).first.map(Self.enrollment)
    }

    public func find(userID: UUID, courseID: UUID) async throws -> Enrollment? {
        return try await database.rows(
            "SELECT \(unescaped: Self.columns) FROM enrollments e WHERE e.user_id = \(userID) AND e.course_id = \(courseID)",
            as: Row.self
        ).first.map(Self.enrollment)
    }

    /// Moves an enrolment to `status` after `check` approves the transition; approving takes a
    /// seat, under the same course lock as enrolling.
    public func setStatus(
        _ id: UUID, to status: EnrollmentStatus, capacity: Int?,
        check: @escaping @Sendable (EnrollmentStatus) throws -> Void
    ) async throws -> Enrollment {
        return try await database.withTransaction { connection in
            guard let current = try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM enrollments e WHERE e.id = \(id)", as: Row.self
            ).first.map(Self.enrollment) else {
                throw AcademyError.notFound("No such enrolment.")
            }
            try await connection.run("SELECT id FROM courses WHERE id = \(current.courseID) FOR UPDATE")
            try check(current.status)
            if status == .active {
                try await Self.checkSeat(in: current.courseID, capacity: capacity, on: connection)
            }
            return Self.enrollment(try await connection.rows(
                "UPDATE enrollments e SET status = \(status.rawValue), updated_at = now() WHERE e.id = \(id) RETURNING \(unescaped: Self.columns)",
                as: Row.self
            )[0])
        }
    }

    /// Enrolments of a course with each student's progress, by display name.
    public func roster(of courseID: UUID, status: EnrollmentStatus?, page: PageRequest) async throws -> Page<EnrollmentSummary> {
        let summaries = try await roster(of: courseID, status: status, after: page.after, limit: page.limit + 1)
        return Page(rows: summaries, request: page) { PageCursor(sortKey: $0.user.displayName, id: $0.enrollment.id) }
    }

    /// Every enrolment of a course, in one query (for exports: the roster CSV, the gradebook).
    public func wholeRoster(of courseID: UUID) async throws -> [EnrollmentSummary] {
        try await roster(of: courseID, status: nil, after: nil, limit: nil)
    }

    /// `limit` nil is no limit (PostgreSQL reads `LIMIT NULL` as `LIMIT ALL`).
    private func roster(of courseID: UUID, status: EnrollmentStatus?, after: PageCursor?, limit: Int?) async throws -> [EnrollmentSummary] {
        let afterName = after?.sortKey
        let afterID = after?.id
        let rows = try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns), \(unescaped: Self.userColumns),
                       (SELECT count(*)::int FROM item_completions ic JOIN course_items i ON i.id = ic.item_id AND i.kind = 'lesson'
                        WHERE ic.enrollment_id = e.id),
                       (SELECT count(*)::int FROM course_items i WHERE i.course_id = e.course_id AND i.kind = 'lesson')
                FROM enrollments e JOIN users u ON u.id = e.user_id
                WHERE e.course_id = \(courseID) AND (\(status?.rawValue)::text IS NULL OR e.status = \(status?.rawValue))
                  AND (\(afterName)::text IS NULL OR (u.display_name COLLATE "und-x-icu", e.id) > (\(afterName)::text COLLATE "und-x-icu", \(afterID)::uuid))
                ORDER BY u.display_name COLLATE "und-x-icu", e.id
                LIMIT \(limit)
                """,
                as: (UUID, UUID, UUID, String, Date, Date, Date?, UUID, String, String, String, String?, String?, Date, Bool, Int, Int).self
            )
        }
        return rows.map { row in
            EnrollmentSummary(
                enrollment: Self.enrollment((row.0, row.1, row.2, row.3, row.4, row.5, row.6)),
                user: UserRepository.user((row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14)),
                progress: CourseProgress(completedLessons: row.15, totalLessons: row.16)
            )
        }
    }

    /// The user columns, qualified for a join of enrolments with their users (`u`).
    static let userColumns = UserRepository.columns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    /// A user's own enrolments (any status) with progress, newest first.
    public func enrollments(of userID: UUID) async throws -> [(enrollment: Enrollment, progress: CourseProgress)] {
        return try await database.rows(
            """
            SELECT \(unescaped: Self.columns),
                   (SELECT count(*)::int FROM item_completions ic JOIN course_items i ON i.id = ic.item_id AND i.kind = 'lesson'
                    WHERE ic.enrollment_id = e.id),
                   (SELECT count(*)::int FROM course_items i WHERE i.course_id = e.course_id AND i.kind = 'lesson')
            FROM enrollments e WHERE e.user_id = \(userID)
            ORDER BY e.enrolled_at DESC LIMIT 500
            """,
            as: (UUID, UUID, UUID, String, Date, Date, Date?, Int, Int).self
        ).map { row in
            (Self.enrollment((row.0, row.1, row.2, row.3, row.4, row.5, row.6)), CourseProgress(completedLessons: row.7, totalLessons: row.8))
        }
    }

    /// A student's enrolment in a course and what they have done in it (completed lessons and
    /// passed quizzes), in one query: what every lock check reads.
    public func standing(userID: UUID, courseID: UUID) async throws -> (enrollment: Enrollment, done: Set<UUID>)? {
        try await database.rows(
            Standing.self, PostgresBindings(userID, courseID), as: (UUID, UUID, UUID, String, Date, Date, Date?, [UUID]).self
        ).first.map { row in
            (Self.enrollment((row.0, row.1, row.2, row.3, row.4, row.5, row.6)), Set(row.7))
        }
    }

    /// Whether quiz `q` counts as done for the student of enrolment `e`: passed once its results
    /// may be shown (`results_visible_from`, see `QuizRules.resultsVisibleFrom`), or submitted
    /// when they never may. The one definition every progress query uses; written out in each
    /// (as a SQL function PostgreSQL would not inline it, and planned it again on every call).
    static let quizDone = """
        EXISTS (SELECT FROM quiz_attempts a WHERE a.quiz_id = q.id AND a.user_id = e.user_id
                AND CASE WHEN q.results_visible_from IS NULL THEN a.state <> 'in_progress'
                         ELSE a.passed AND q.results_visible_from <= now() END)
        """

    /// The enrolment `e` and what its student has done in its course: completed lessons and
    /// quizzes done (`quizDone`).
    static let columnsWithDone = columns + """
        ,
            ARRAY(SELECT c.item_id FROM item_completions c WHERE c.enrollment_id = e.id
                  UNION
                  SELECT q.id FROM quizzes q JOIN course_items i ON i.id = q.id
                  WHERE i.course_id = e.course_id AND \(quizDone))
        """

    /// `columnsWithDone` read through a LEFT JOIN: all NULL when the caller is not enrolled.
    typealias JoinedRowWithDone = (UUID?, UUID?, UUID?, String?, Date?, Date?, Date?, [UUID]?)

    static func enrollmentWithDone(_ row: JoinedRowWithDone) -> (Enrollment, done: Set<UUID>)? {
        guard let id = row.0, let courseID = row.1, let userID = row.2, let status = row.3, let enrolledAt = row.4, let updatedAt = row.5 else {
            return nil
        }
        return (enrollment((id, courseID, userID, status, enrolledAt, updatedAt, row.6)), Set(row.7 ?? []))
    }

    enum Standing: PreparedSQL {
        static let sql = "SELECT \(columnsWithDone) FROM enrollments e WHERE e.user_id = $1 AND e.course_id = $2"
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    /// Marks an item completed (again is fine) and returns the course progress, and whether this
    /// completion finished the course (the enrolment became `completed`). The enrolment row is
    /// locked first, so two lessons completed at once cannot both miss the course's completion.
    public func complete(itemID: UUID, for enrollment: Enrollment) async throws -> (progress: CourseProgress, finishedCourse: Bool) {
        return try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM enrollments WHERE id = \(enrollment.id) FOR UPDATE")
            try await connection.run(
                "INSERT INTO item_completions (enrollment_id, item_id) VALUES (\(enrollment.id), \(itemID)) ON CONFLICT DO NOTHING"
            )
            try await connection.run("UPDATE enrollments SET last_activity_at = now() WHERE id = \(enrollment.id)")
            return try await Self.settle(enrollment, on: connection)
        }
    }

    /// Checks, after a lesson completed or a quiz passed, whether the course is finished; if so the
    /// enrolment becomes `completed` (once: `finishedCourse` is true only for that call).
    public func settle(_ enrollment: Enrollment) async throws -> (progress: CourseProgress, finishedCourse: Bool) {
        return try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM enrollments WHERE id = \(enrollment.id) FOR UPDATE")
            return try await Self.settle(enrollment, on: connection)
        }
    }

    /// The active enrolments whose students finished an attempt at the quiz: the ones whose
    /// progress may change when its results become visible.
    public func activeEnrollments(withAttemptsAt quizID: UUID) async throws -> [Enrollment] {
        try await database.rows(
            """
            SELECT \(unescaped: Self.columns) FROM enrollments e JOIN course_items i ON i.course_id = e.course_id AND i.id = \(quizID)
            WHERE e.status = 'active'
              AND EXISTS (SELECT FROM quiz_attempts a WHERE a.quiz_id = \(quizID) AND a.user_id = e.user_id AND a.state <> 'in_progress')
            """,
            as: (UUID, UUID, UUID, String, Date, Date, Date?).self
        ).map(Self.enrollment)
    }

    static func settle(_ enrollment: Enrollment, on connection: DatabaseConnection) async throws -> (progress: CourseProgress, finishedCourse: Bool) {
        let counts = try await connection.rows(
            """
            SELECT (SELECT count(*)::int FROM item_completions ic JOIN course_items i ON i.id = ic.item_id AND i.kind = 'lesson'
                    WHERE ic.enrollment_id = \(enrollment.id)),
                   (SELECT count(*)::int FROM course_items i WHERE i.course_id = \(enrollment.courseID) AND i.kind = 'lesson'),
                   (SELECT count(*)::int FROM quizzes q JOIN course_items i ON i.id = q.id JOIN enrollments e ON e.id = \(enrollment.id)
                    WHERE i.course_id = \(enrollment.courseID) AND (q.settings->>'required')::boolean
                      AND NOT \(unescaped: Self.quizDone))
                 + (SELECT count(*)::int FROM live_sessions s JOIN course_items i ON i.id = s.id
                    WHERE i.course_id = \(enrollment.courseID) AND s.required AND NOT s.cancelled
                      AND NOT EXISTS (SELECT FROM item_completions ic WHERE ic.enrollment_id = \(enrollment.id) AND ic.item_id = s.id))
            """,
            as: (Int, Int, Int).self
        )[0]
        let progress = CourseProgress(completedLessons: counts.0, totalLessons: counts.1)
        var finished = false
        if CourseCompletion.isComplete(progress, requiredOutstanding: counts.2) {
            finished = !(try await connection.rows(
                "UPDATE enrollments SET status = 'completed', updated_at = now() WHERE id = \(enrollment.id) AND status = 'active' RETURNING id",
                as: UUID.self
            ).isEmpty)
        }
        return (progress, finished)
    }
}
