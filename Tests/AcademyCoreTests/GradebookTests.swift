import AcademyCore
import Foundation
import Testing

@Suite struct GradebookTests {
    static func student(_ name: String) -> (user: User, enrollment: Enrollment, progress: CourseProgress) {
        let id = UUID()
        let user = User(id: id, email: "\(name)@example.org", displayName: name, role: .student, locale: nil, timezone: nil, createdAt: Date(), disabled: false)
        let enrollment = Enrollment(id: UUID(), courseID: UUID(), userID: id, status: .active, enrolledAt: Date(), updatedAt: Date(), lastActivityAt: nil)
        return (user, enrollment, CourseProgress(completedLessons: 1, totalLessons: 4))
    }

    @Test func eachCellFollowsItsQuizsGradingAndBlankMeansNotAttempted() {
        let (first, latest) = (UUID(), UUID())
        let columns = [
            Gradebook.Column(quizID: first, title: "First, by best", grading: .highest, passPercent: 50, required: true),
            Gradebook.Column(quizID: latest, title: "=Latest", grading: .latest, passPercent: 50, required: false),
        ]
        let amina = Self.student("amina"), omar = Self.student("omar")
        let attempts = [
            Gradebook.FinishedAttempt(userID: amina.user.id, quizID: first, percent: 40),
            Gradebook.FinishedAttempt(userID: amina.user.id, quizID: first, percent: 90),
            Gradebook.FinishedAttempt(userID: amina.user.id, quizID: first, percent: 60),
            Gradebook.FinishedAttempt(userID: amina.user.id, quizID: latest, percent: 80),
            Gradebook.FinishedAttempt(userID: amina.user.id, quizID: latest, percent: 20),
        ]
        let book = Gradebook(columns: columns, students: [amina, omar], attempts: attempts)
        #expect(book.rows.map(\.grades) == [[90, 20], [nil, nil]])
        #expect(book.table == [
            ["email", "display_name", "status", "lessons_percent", "First, by best (%)", "=Latest (%)"],
            ["amina@example.org", "amina", "active", "25", "90.00", "20.00"],
            ["omar@example.org", "omar", "active", "25", "", ""],
        ])
        #expect(CSV.line(book.table[0]) == "email,display_name,status,lessons_percent,\"First, by best (%)\",'=Latest (%)")
    }

    @Test func csvDefusesFormulasAndRoundTripsQuotes() {
        #expect(CSV.line(["+1", "@sum", "-2", "plain"]) == "'+1,'@sum,'-2,plain")
        #expect(CSV.fields(CSV.line(["Bilal, \"the scribe\"", "أمينة"])) == ["Bilal, \"the scribe\"", "أمينة"])
        #expect(CSV.document([["a"], ["b"]]) == "\u{FEFF}a\r\nb\r\n")
    }
}
