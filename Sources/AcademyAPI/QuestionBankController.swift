package import AcademyCore
package import AcademyServices
import AcademyStore
import Foundation
package import Hummingbird
import NIOCore

/// `/courses/{course}/question-bank`: a course's bank of questions, its categories, and GIFT or
/// Moodle XML files in and out. Its instructors only.
struct QuestionBankController {
    let access: CourseAccess
    let bank: QuestionBankService
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/question-bank/import", use: importFile)
        routes.get("courses/:course/question-bank/export", use: export)
        routes.get("courses/:course/question-bank/categories", use: categories)
        routes.post("courses/:course/question-bank/categories", use: createCategory)
        routes.delete("courses/:course/question-bank/categories/:id", use: deleteCategory)
        routes.get("courses/:course/question-bank/questions", use: questions)
        routes.post("courses/:course/question-bank/questions", use: create)
        routes.get("courses/:course/question-bank/questions/:id", use: show)
        routes.patch("courses/:course/question-bank/questions/:id", use: update)
        routes.delete("courses/:course/question-bank/questions/:id", use: delete)
        routes.get("courses/:course/question-bank/images/:sha256", use: image)
        return routes
    }

    // MARK: Files

    /// The file is the body: `text/plain` GIFT or `application/xml` Moodle XML.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReportResponse> {
        let course = try await access.editableCourse(context)
        let format = try Self.format(ofBody: request.headers[.contentType])
        let query = request.uri.queryParameters
        let partial = try Self.flag(query.get("partial"), name: "partial")
        let body = try await request.collectedBody(upTo: context.maxUploadSize)
        let report = try await bank.importFile(Array(body.readableBytesView), format: format, into: course, category: query.get("category"), partial: partial)
        return EditedResponse(status: .created, response: ImportReportResponse(report: report))
    }

    static func format(ofBody contentType: String?) throws(AcademyError) -> QuestionBankService.Format {
        let mediaType = contentType?.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "text/plain": return .gift
        case "application/xml", "text/xml": return .moodleXML
        default: throw .unsupportedMediaType(expected: "text/plain (GIFT) or application/xml (Moodle XML)")
        }
    }

    static func flag(_ raw: String?, name: String) throws(AcademyError) -> Bool {
        switch raw {
        case nil, "false": return false
        case "true": return true
        default: throw .validationFailed([FieldError(field: name, message: "must be true or false")])
        }
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await access.editableCourse(context)
        let query = request.uri.queryParameters
        let raw = query.get("format") ?? QuestionBankService.Format.moodleXML.rawValue
        guard let format = QuestionBankService.Format(rawValue: raw) else {
            throw AcademyError.validationFailed([FieldError(field: "format", message: "must be gift or moodle-xml")])
        }
        return QuestionBankDownload.file(try await bank.export(course, format: format, category: query.get("category")), format: format, of: course)
    }

    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await access.editableCourse(context)
        let sha256 = try BlobResponse.imageHash(context.parameters.get("sha256"))
        let image = try await bank.image(sha256, of: course)
        return try await BlobResponse.image(image, from: bank.files, request: request, context: context)
    }

    // MARK: Categories

    @Sendable func categories(_ request: Request, context: AppRequestContext) async throws -> CategoryList {
        let course = try await access.editableCourse(context)
        return CategoryList(items: try await bank.categories(of: course).map(CategoryResponse.init))
    }

    struct CategoryInput: Decodable {
        let path: String
    }

    @Sendable func createCategory(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CategoryResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: CategoryInput.self, context: context)
        return EditedResponse(status: .created, response: CategoryResponse(try await bank.createCategory(body.path, in: course)))
    }

    @Sendable func deleteCategory(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let course = try await access.editableCourse(context)
        try await bank.deleteCategory(try context.parameters.uuid("id"), in: course)
        return .noContent
    }

    // MARK: Questions

    @Sendable func questions(_ request: Request, context: AppRequestContext) async throws -> PageResponse<BankQuestionResponse> {
        let course = try await access.editableCourse(context)
        let query = request.uri.queryParameters
        let page = try await bank.questions(
            of: course, under: query.get("category"), page: try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        )
        return PageResponse(items: page.items.map(BankQuestionResponse.init), nextCursor: page.nextCursor)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<BankQuestionResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: BankQuestionDraft.self, context: context)
        return EditedResponse(status: .created, response: BankQuestionResponse(try await bank.create(body, in: course)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> BankQuestionResponse {
        let course = try await access.editableCourse(context)
        return BankQuestionResponse(try await bank.question(try context.parameters.uuid("id"), of: course))
    }

    /// A merge patch over the question as its author would write it; a new version.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> BankQuestionResponse {
        let course = try await access.editableCourse(context)
        let stored = try await bank.question(try context.parameters.uuid("id"), of: course)
        let current = BankQuestionDraft(category: stored.category, name: stored.name, question: stored.question)
        let draft = try await request.mergePatch(BankQuestionDraft.self, over: current, context: context) { body in
            try bank.validated(body, for: course, replacing: stored)
        }
        return BankQuestionResponse(try await bank.update(stored.id, with: draft, in: course))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let course = try await access.editableCourse(context)
        try await bank.delete(try context.parameters.uuid("id"), in: course)
        return .noContent
    }
}

/// The bank as a file to download: the API's export and the bank page's links.
package enum QuestionBankDownload {
    package static func file(_ text: String, format: QuestionBankService.Format, of course: Course) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: format.mediaType,
                .contentDisposition: AttachmentRules.contentDisposition(filename: "\(course.slug)-questions.\(format.fileExtension)", mediaType: format.mediaType),
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}

struct ImportReportResponse: ResponseEncodable {
    let report: QuestionBankService.ImportReport

    enum CodingKeys: String, CodingKey { case imported, categories, skipped }
    struct Skipped: Encodable {
        let line: Int
        let name: String
        let reason: String
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.imported, forKey: .imported)
        try container.encode(report.categories, forKey: .categories)
        try container.encode(report.skipped.map { Skipped(line: $0.line, name: $0.name, reason: $0.reason) }, forKey: .skipped)
    }
}

struct CategoryResponse: ResponseEncodable, Sendable {
    let id: String
    let path: String
    let questionCount: Int

    init(_ category: QuestionBankRepository.Category) {
        id = category.id.apiString
        path = category.path
        questionCount = category.questionCount
    }
}

struct CategoryList: ResponseEncodable {
    let items: [CategoryResponse]
}

/// A bank question: the quiz question's fields with its bank id, category, name and version.
struct BankQuestionResponse: ResponseEncodable, Sendable {
    let question: BankQuestion

    init(_ question: BankQuestion) {
        self.question = question
    }

    enum CodingKeys: String, CodingKey { case category, name, version }

    func encode(to encoder: any Encoder) throws {
        try question.question.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(question.category, forKey: .category)
        try container.encode(question.name, forKey: .name)
        try container.encode(question.version, forKey: .version)
    }
}
