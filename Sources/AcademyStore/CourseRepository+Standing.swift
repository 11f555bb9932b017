public import AcademyCore
public import Foundation
import PostgresNIO

/// Everything an access check on a course's item needs, read together: the course and whether
/// the caller teaches it, the caller's enrolment and what they have done in the course, and the
/// course's schedule (for the locks).
public struct CourseStanding: Sendable {
    public let course: Course
    public let relation: CourseRelation
    /// The caller's enrolment and the items they completed or passed; nil when not enrolled.
    public let enrollment: (Enrollment, done: Set<UUID>)?
    /// The course's lessons and quizzes in course order.
    public let schedule: [ItemLocking.Item]
    /// The version of the course's content (its row and titles, modules, items and their texts
    /// and files) this was read at; any change to them bumps it (migration 0018).
    let contentVersion: Int64
}

extension CourseRepository {
    /// The standing of a `standingSQL` row. One query instead of three (course, enrolment,
    /// schedule), read with the item itself: every lesson read and quiz start asks it
    /// (`CourseContentRepository.lessonWithStanding`, `QuizRepository.findWithStanding`).
    static func standing(_ row: StandingRow) -> CourseStanding {
        let (course, relation) = found((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15, row.16))
        let enrollment = EnrollmentRepository.enrollmentWithDone((row.17, row.18, row.19, row.20, row.21, row.22, row.23, row.24))
        let releases = Dictionary(uniqueKeysWithValues: zip(row.27, row.28))
        let schedule = zip(row.25, row.26).map { ItemLocking.Item(id: $0.0, releaseAt: releases[$0.0], requiresPrevious: $0.1) }
        return CourseStanding(course: course, relation: relation, enrollment: enrollment, schedule: schedule, contentVersion: row.29)
    }

    /// `standingSQL`'s columns, in order.
    typealias StandingRow = (
        UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?, Bool, [String], [String], [String],
        UUID?, UUID?, UUID?, String?, Date?, Date?, Date?, [UUID]?,
        [UUID], [Bool], [UUID], [Date], Int64
    )

    /// The course whose id is the SQL expression `course`, as `ByID` reads it for the caller ($2,
    /// as in `foundFrom`), their enrolment with what they have done, and the schedule,
    /// aggregated in one pass over the course's items: item ids and "requires previous" in
    /// course order, and the release dates of the items that have one (the arrays cannot hold
    /// the NULLs of the others); last, the course's content version. A whole SELECT, so that an item's query joins it LATERAL and
    /// decodes its columns (`StandingRow`) after its own.
    /// Never titles, bodies or a quiz's content: a quiz's title lives in its content jsonb, and
    /// reading it would detoast every question.
    static func standingSQL(course: String) -> String {
        """
        SELECT \(foundColumns),
            \(EnrollmentRepository.columnsWithDone),
            COALESCE(s.ids, '{}'), COALESCE(s.requires_previous, '{}'), COALESCE(s.released, '{}'), COALESCE(s.release_dates, '{}'),
            c.content_version
        \(foundFrom)
        LEFT JOIN enrollments e ON e.course_id = c.id AND e.user_id = $2
        LEFT JOIN LATERAL (
            SELECT array_agg(i.id ORDER BY m.position, i.position) AS ids,
                array_agg(i.requires_previous ORDER BY m.position, i.position) AS requires_previous,
                array_agg(i.id ORDER BY i.id) FILTER (WHERE i.release_at IS NOT NULL) AS released,
                array_agg(i.release_at ORDER BY i.id) FILTER (WHERE i.release_at IS NOT NULL) AS release_dates
            FROM course_items i JOIN course_modules m ON m.id = i.module_id
            WHERE i.course_id = c.id
        ) s ON true
        WHERE c.id = \(course)
        """
    }
}
