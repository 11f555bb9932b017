package import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
package import Hummingbird

/// `GET /courses/{course}/gradebook`: every enrolled student's lesson progress and quiz grades,
/// for the course's staff; JSON, or CSV with `Accept: text/csv`.
struct GradebookController {
    let access: CourseAccess
    let reader: GradebookReader
    let languages: [String]
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.get("courses/:course/gradebook", use: show)
        return routes
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await access.editableCourse(context)
        let choice = LanguageChoice(request: request, context: context, available: languages, fallback: course.defaultLanguage)
        let gradebook = try await reader.gradebook(of: course, language: choice.language)
        if request.headers[.accept]?.contains("text/csv") == true {
            return GradebookDownload.csv(gradebook, of: course, language: choice.language)
        }
        var response = try GradebookResponse(gradebook: gradebook).response(from: request, context: context)
        response.headers[.contentLanguage] = choice.language
        response.headers[.vary] = "Accept, Accept-Language"
        return response
    }
}

/// The gradebook as a spreadsheet download: the API's `Accept: text/csv` and the gradebook page's link.
package enum GradebookDownload {
    package static func csv(_ gradebook: Gradebook, of course: Course, language: String) -> Response {
        SpreadsheetDownload.csv(gradebook.table, filename: "\(course.slug)-gradebook.csv", language: language)
    }
}

struct GradebookResponse: ResponseEncodable {
    let gradebook: Gradebook

    enum CodingKeys: String, CodingKey { case quizzes, students }
    enum QuizKeys: String, CodingKey { case id, title, grading, passPercent, required }
    enum StudentKeys: String, CodingKey { case userId, email, displayName, status, completedLessons, totalLessons, lessonsPercent, grades }
    enum GradeKeys: String, CodingKey { case quizId, percent, passed, needsGrading }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var quizzes = container.nestedUnkeyedContainer(forKey: .quizzes)
        for column in gradebook.columns {
            var quiz = quizzes.nestedContainer(keyedBy: QuizKeys.self)
            try quiz.encode(column.quizID.apiString, forKey: .id)
            try quiz.encode(column.title, forKey: .title)
            try quiz.encode(column.grading, forKey: .grading)
            try quiz.encode(column.passPercent, forKey: .passPercent)
            try quiz.encode(column.required, forKey: .required)
        }
        var students = container.nestedUnkeyedContainer(forKey: .students)
        for row in gradebook.rows {
            var student = students.nestedContainer(keyedBy: StudentKeys.self)
            try student.encode(row.user.id.apiString, forKey: .userId)
            try student.encode(row.user.email, forKey: .email)
            try student.encode(row.user.displayName, forKey: .displayName)
            try student.encode(row.enrollment.status.rawValue, forKey: .status)
            try student.encode(row.progress.completedLessons, forKey: .completedLessons)
            try student.encode(row.progress.totalLessons, forKey: .totalLessons)
            try student.encode(row.progress.percent, forKey: .lessonsPercent)
            var grades = student.nestedUnkeyedContainer(forKey: .grades)
            for (column, (percent, waiting)) in zip(gradebook.columns, zip(row.grades, row.needsGrading)) {
                var grade = grades.nestedContainer(keyedBy: GradeKeys.self)
                try grade.encode(column.quizID.apiString, forKey: .quizId)
                try grade.encode(percent, forKey: .percent)
                try grade.encode(percent.map { $0 >= column.passPercent }, forKey: .passed)
                try grade.encode(waiting, forKey: .needsGrading)
            }
        }
    }
}
