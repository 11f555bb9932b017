public import Foundation

/// Who may touch a quiz attempt: its student reads it and works on it; the course's staff read it;
/// anyone else is told it does not exist.
public enum AttemptPolicy {
    /// Whether the caller reads the attempt as the course's staff (true) or as its student (false).
    public static func requireReader(ofAttemptBy student: UUID, principal: Principal, relation: CourseRelation) throws(AcademyError) -> Bool {
        try CoursePolicy.requireStaffOrOwner(of: student, principal: principal, relation: relation, notFound: "No such attempt.")
    }

    /// Essays are graded by the course's staff (who read the attempt as staff), never by the student.
    public static func requireGrader(asStaff: Bool) throws(AcademyError) {
        guard asStaff else { throw .forbidden("Only the course's instructors grade essays.") }
    }

    /// Answers and submissions come from the attempt's student only, never from staff acting for them.
    public static func requireStudent(ofAttemptBy student: UUID, principal: Principal?) throws(AcademyError) {
        guard principal?.userID == student else { throw .forbidden("Only the student answers and submits their attempt.") }
    }
}
