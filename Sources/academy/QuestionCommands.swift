import AcademyCore
import AcademyServices
import ArgumentParser
import Foundation

struct QuestionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questions",
        abstract: "Import and export a course's question bank (GIFT or Moodle XML).",
        subcommands: [Import.self, Export.self]
    )

    /// The format a file's name says: `.xml` is Moodle XML, anything else GIFT.
    static func format(_ raw: String?, file: String) throws -> QuestionBankService.Format {
        if let raw {
            guard let format = QuestionBankService.Format(rawValue: raw) else { throw ValidationError("--format is gift or moodle-xml") }
            return format
        }
        return file.lowercased().hasSuffix(".xml") ? .moodleXML : .gift
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a GIFT or Moodle XML file into a course's bank.",
            discussion: """
            The whole file is read and checked first; nothing is stored unless every question is
            sound. With --partial the sound questions are stored and the others reported with
            their line. Categories in the file go below --category.
            """
        )
        @Option(help: "The course's slug.") var course: String
        @Argument(help: "The file (.xml: Moodle XML; otherwise GIFT).") var file: String
        @Option(help: "The bank category to import into, such as Grammar/Verbs.") var category: String?
        @Option(help: "gift or moodle-xml (by default from the file's name).") var format: String?
        @Flag(help: "Store the sound questions even when others are not.") var partial = false

        func run() async throws {
            let format = try QuestionsCommand.format(self.format, file: file)
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("Cannot read \(file).") }
            let (slug, category, partial) = (course, self.category, self.partial)
            let report = try await CommandEnvironment.withDependencies { dependencies in
                let course = try await dependencies.access.course(.slug(slug))
                return try await dependencies.questionBank.importFile(Array(data), format: format, into: course, category: category, partial: partial)
            }
            print("Imported \(CourseCommand.Import.count(report.imported, "question")) into \(slug) (\(CourseCommand.Import.count(report.categories, "new category", plural: "new categories"))).")
            for problem in report.skipped {
                print("Skipped line \(problem.line) “\(problem.name)”: \(problem.reason)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a course's bank, or one category of it, as GIFT or Moodle XML.")
        @Option(help: "The course's slug.") var course: String
        @Option(help: "gift or moodle-xml.") var format = "moodle-xml"
        @Option(help: "Only this category and those below it.") var category: String?
        @Option(help: "The file to write (standard output by default).") var output: String?

        func run() async throws {
            let format = try QuestionsCommand.format(self.format, file: "")
            let (slug, category) = (course, self.category)
            let text = try await CommandEnvironment.withDependencies { dependencies in
                let course = try await dependencies.access.course(.slug(slug))
                return try await dependencies.questionBank.export(course, format: format, category: category)
            }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}
