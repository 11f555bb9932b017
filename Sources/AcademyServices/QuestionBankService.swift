public import AcademyCore
public import AcademyStore
public import Foundation

/// A course's question bank for its instructors, the API and the command line alike: questions
/// and categories, and GIFT or Moodle XML files in and out. An import is read, mapped and checked
/// whole before anything is stored; it stores nothing unless every question is sound, or with
/// `partial` the sound ones, reporting the rest by line.
public struct QuestionBankService: Sendable {
    let bank: QuestionBankRepository
    let blobs: BlobStore
    let languages: [String]
    /// The largest image a question may embed.
    let maxImageBytes: Int

    public init(bank: QuestionBankRepository, blobs: BlobStore, languages: [String], maxImageBytes: Int) {
        self.bank = bank
        self.blobs = blobs
        self.languages = languages
        self.maxImageBytes = maxImageBytes
    }

    public enum Format: String, Sendable, CaseIterable {
        case gift
        case moodleXML = "moodle-xml"

        public var mediaType: String { self == .gift ? "text/plain; charset=utf-8" : "application/xml; charset=utf-8" }
        public var fileExtension: String { self == .gift ? "gift.txt" : "xml" }
    }

    public struct ImportReport: Sendable, Equatable {
        public let imported: Int
        /// Categories the import created.
        public let categories: Int
        public let skipped: [InterchangeProblem]
    }

    /// A category path as a request names it; "" or nil is the bank's top.
    public static func category(_ raw: String?, field: String = "category") throws(AcademyError) -> String {
        guard let raw else { return "" }
        switch QuestionBank.categoryPath(raw, field: field) {
        case .success(let path): return path
        case .failure(let error): throw .validationFailed([error])
        }
    }

    public func importFile(_ data: [UInt8], format: Format, into course: Course, category: String?, partial: Bool) async throws -> ImportReport {
        let base = try Self.category(category)
        let read: (questions: [InterchangeQuestion], problems: [InterchangeProblem])
        switch format {
        case .gift:
            guard let text = String(validating: data, as: UTF8.self) else {
                throw AcademyError.validationFailed([FieldError(field: "", message: "is not UTF-8: save the file as UTF-8 and import it again")])
            }
            read = GIFT.read(text)
        case .moodleXML:
            read = MoodleXML.read(data)
        }
        var problems = read.problems
        var sound: [ImportedQuestion] = []
        for source in read.questions {
            switch BankInterchange.question(from: source, language: course.defaultLanguage) {
            case .failure(let problem):
                problems.append(problem)
            case .success(var imported):
                do {
                    imported.question.images = try await storeImages(imported.files)
                } catch let problem as InterchangeProblem {
                    problems.append(InterchangeProblem(line: source.line, name: source.label, reason: problem.reason))
                    continue
                }
                var validation = FieldValidation()
                let path = [base, imported.category].filter { !$0.isEmpty }.joined(separator: "/")
                if let category = validation.check(QuestionBank.categoryPath(path)) { imported.category = category }
                QuestionBank.validate(imported.question, name: imported.name, defaultLanguage: course.defaultLanguage, offered: languages, into: &validation)
                if validation.errors.isEmpty {
                    sound.append(imported)
                } else {
                    let reason = validation.errors.map { $0.field.isEmpty ? $0.message : "\($0.field) \($0.message)" }.joined(separator: "; ")
                    problems.append(InterchangeProblem(line: source.line, name: source.label, reason: reason))
                }
            }
        }
        problems.sort { $0.line < $1.line }
        if sound.isEmpty || (!problems.isEmpty && !partial) {
            let errors = problems.map { FieldError(field: "line \($0.line)", message: "\($0.name.isEmpty ? "" : "“\($0.name)”: ")\($0.reason)") }
            throw AcademyError.validationFailed(errors.isEmpty ? [FieldError(field: "", message: "holds no question")] : errors)
        }
        let toStore = sound
        let created = try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            try QuestionBank.requireRoom(held: try await writer.questionCount(), adding: toStore.count, importing: true)
            var categories = 0
            for category in Set(toStore.map(\.category)) {
                categories += try await writer.ensureCategory(category)
            }
            try await writer.insert(toStore.map { ($0.category, $0.name, $0.question) })
            return categories
        }
        return ImportReport(imported: sound.count, categories: created, skipped: problems)
    }

    /// A question's embedded images, stored like attachments (content-addressed, their bytes
    /// checked against their type) before the question that shows them; nil for none.
    private func storeImages(_ files: [InterchangeQuestion.EmbeddedFile]) async throws -> [QuestionImage]? {
        guard !files.isEmpty else { return nil }
        var images: [QuestionImage] = []
        for file in files {
            guard case .success(let name) = AttachmentRules.filename(file.name),
                  let mediaType = AttachmentRules.mediaType(forFileNamed: name), QuestionImage.mediaTypes.contains(mediaType)
            else {
                throw InterchangeProblem(line: 0, name: "", reason: "embeds \(file.name), which is not a png, jpeg, gif or webp image")
            }
            do {
                let stored = try await blobs.store(bytes: file.data, limit: maxImageBytes, mediaType: mediaType)
                images.append(QuestionImage(name: name, sha256: stored.sha256, mediaType: mediaType, size: stored.size))
            } catch AcademyError.payloadTooLarge(let limit) {
                throw InterchangeProblem(line: 0, name: "", reason: "embeds \(name), larger than \(limit) bytes")
            } catch AcademyError.validationFailed {
                throw InterchangeProblem(line: 0, name: "", reason: "embeds \(name), whose bytes are not \(mediaType)")
            }
        }
        return images
    }

    /// The bank, or one category and those below it, as a file; questions the format cannot hold
    /// (ordering in GIFT) are named in a comment at the top of a GIFT file.
    public func export(_ course: Course, format: Format, category: String?) async throws -> String {
        let path = try Self.category(category)
        let questions = try await bank.allQuestions(of: course.id, under: path.isEmpty ? nil : path, limit: QuestionBank.maximumQuestions)
        switch format {
        case .moodleXML:
            var files: [String: [UInt8]] = [:]
            for image in questions.flatMap({ $0.question.images ?? [] }) where files[image.sha256] == nil {
                files[image.sha256] = try await blobs.bytes(of: image.sha256)
            }
            return MoodleXML.write(questions.map { BankInterchange.interchange($0, images: files) })
        case .gift:
            // GIFT carries no files: a question's images stay behind, and the file says so.
            let (text, skipped) = GIFT.write(questions.map { BankInterchange.interchange($0) })
            // GIFT carries neither files nor points: what a question loses is said at the top.
            let losses = questions.compactMap { stored -> String? in
                let question = stored.question
                var lost: [String] = []
                if question.images?.isEmpty == false { lost.append("its images") }
                if question.kind != .description, question.points != 1 { lost.append("its \(TypedNumber.text(question.points)) points (GIFT has none: 1)") }
                return lost.isEmpty ? nil : "// Exported without \(lost.joined(separator: " and ")); Moodle XML keeps them: “\(stored.name ?? stored.id.apiString)”\n"
            }
            let notes = skipped.map { "// Not exported: “\($0.name)”: \($0.reason)\n" }.joined() + losses.joined()
            return notes.isEmpty ? text : notes + "\n" + text
        }
    }

    // MARK: Questions and categories

    public func categories(of course: Course) async throws -> [QuestionBankRepository.Category] {
        try await bank.categories(of: course.id)
    }

    public func questions(of course: Course, under category: String?, page: PageRequest) async throws -> Page<BankQuestion> {
        let path = try Self.category(category)
        return try await bank.questions(of: course.id, under: path.isEmpty ? nil : path, page: page)
    }

    public func question(_ id: UUID, of course: Course) async throws -> BankQuestion {
        guard let question = try await bank.question(id, courseID: course.id) else {
            throw AcademyError.notFound("This course's bank has no such question.")
        }
        return question
    }

    /// A question as its author sent it, checked: its category, its name and the question (with
    /// no images but those of the question it changes, `replacing`).
    public func validated(_ draft: BankQuestionDraft, for course: Course, replacing stored: BankQuestion? = nil) throws(AcademyError) -> BankQuestionDraft {
        var validation = FieldValidation()
        let category = validation.check(QuestionBank.categoryPath(draft.category ?? ""))
        QuestionBank.validate(
            draft.question, name: draft.name, defaultLanguage: course.defaultLanguage, offered: languages, keepable: stored?.question.images ?? [],
            into: &validation
        )
        try validation.finish()
        return BankQuestionDraft(category: category ?? "", name: draft.name, question: draft.question)
    }

    public func create(_ draft: BankQuestionDraft, in course: Course) async throws -> BankQuestion {
        let checked = try validated(draft, for: course)
        return try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            try QuestionBank.requireRoom(held: try await writer.questionCount(), adding: 1)
            return try await writer.insert(category: checked.category ?? "", name: checked.name, question: checked.question)
        }
    }

    /// A new version of the question: quizzes that take it get a new version too; attempts
    /// already started keep what they saw.
    public func update(_ id: UUID, with draft: BankQuestionDraft, in course: Course) async throws -> BankQuestion {
        let checked = try validated(draft, for: course, replacing: try await question(id, of: course))
        return try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            guard let updated = try await writer.update(id, category: checked.category ?? "", name: checked.name, question: checked.question) else {
                throw AcademyError.notFound("This course's bank has no such question.")
            }
            return updated
        }
    }

    /// Refused (409) while a quiz takes the question by itself, or draws from its category and
    /// would have too few to draw.
    public func delete(_ id: UUID, in course: Course) async throws {
        try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            guard try await writer.delete(id) else { throw AcademyError.notFound("This course's bank has no such question.") }
        }
    }

    public func createCategory(_ raw: String, in course: Course) async throws -> QuestionBankRepository.Category {
        let path = try Self.category(raw, field: "path")
        guard !path.isEmpty else { throw AcademyError.validationFailed([FieldError(field: "path", message: "is required")]) }
        try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            try await writer.ensureCategory(path)
        }
        guard let category = try await bank.categories(of: course.id).first(where: { $0.path == path }) else {
            throw AcademyError.notFound("The category is gone.")
        }
        return category
    }

    public func deleteCategory(_ id: UUID, in course: Course) async throws {
        try await bank.change(courseID: course.id, defaultLanguage: course.defaultLanguage, offered: languages) { writer in
            guard try await writer.deleteCategory(id) else { throw AcademyError.notFound("This course's bank has no such category.") }
        }
    }

    /// An image a question of the course's bank shows.
    public func image(_ sha256: String, of course: Course) async throws -> QuestionImage {
        guard let image = try await bank.image(sha256, courseID: course.id) else { throw AcademyError.notFound("No such image.") }
        return image
    }

    /// Where an image's bytes are.
    public var files: BlobStore { blobs }

    /// The bank questions a quiz's items name or draw from.
    public func questions(for items: [QuizItem], of course: Course) async throws -> [BankQuestion] {
        let needs = items.bankNeeds
        return try await bank.questions(of: course.id, ids: needs.ids, categories: needs.categories)
    }
}
