import AcademyServices
import AcademyCore
import AcademyStore
import ArgumentParser
import Foundation

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enrol people in a course: one by email, or many from a CSV file.",
        discussion: """
        The CSV needs a column named email (other columns are ignored). Every row is checked first;
        if any row fails, each failing row is reported with its line and nothing is enrolled. Then
        all are enrolled in one transaction, within the course's capacity.
        """
    )

    @Option(help: "The course's slug.") var course: String
    @Option(help: "One person's email.") var user: String?
    @Option(help: "A CSV file with an email column.") var csv: String?

    func validate() throws {
        guard (user == nil) != (csv == nil) else { throw ValidationError("Give exactly one of --user or --csv.") }
    }

    func run() async throws {
        let (slug, user, csvPath) = (course, self.user, csv)
        let report = try await CommandEnvironment.withDependencies { dependencies in
            let course = try await dependencies.access.course(.slug(slug))
            let enrollments = dependencies.enrollments
            if let user {
                guard let account = try await dependencies.accounts.users.find(email: user), !account.disabled else {
                    throw CommandFailure("No active account has the email \(user).")
                }
                let result = try await enrollments.enroll(userID: account.id, in: course.id, capacity: course.capacity) { existing in
                    try EnrollmentPolicy.staffEnrollment(existing: existing)
                }
                return "Enrolled \(user) in \(slug) (\(result.enrollment.status.rawValue))."
            }
            let text = try String(contentsOfFile: csvPath ?? "", encoding: .utf8)
            let rows = try EmailColumn.read(text, file: csvPath ?? "")
            var ids: [UUID] = []
            var problems: [String] = []
            var seen: Set<String> = []
            for (line, email) in rows {
                let key = AccountRules.normalizedEmail(email)
                if !seen.insert(key).inserted {
                    problems.append("\(csvPath ?? ""):\(line): \(email) appears more than once")
                } else if let account = try await dependencies.accounts.users.find(email: email), !account.disabled {
                    ids.append(account.id)
                } else {
                    problems.append("\(csvPath ?? ""):\(line): no active account has the email \(email)")
                }
            }
            guard problems.isEmpty else {
                throw CommandFailure("Nothing was enrolled; fix these rows first:\n" + problems.joined(separator: "\n"))
            }
            let added = try await enrollments.enrollAll(userIDs: ids, in: course.id, capacity: course.capacity)
            return "Enrolled \(added) of \(ids.count) people in \(slug) (\(ids.count - added) were in already)."
        }
        print(report)
    }
}

/// The email column of a CSV file, with the line of each row.
enum EmailColumn {
    static func read(_ text: String, file: String) throws -> [(line: Int, email: String)] {
        // "\r\n" is one Character in Swift: normalize line ends before splitting.
        let lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.first else { throw CommandFailure("\(file) is empty.") }
        let columns = CSV.fields(header).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        guard let column = columns.firstIndex(of: "email") else {
            throw CommandFailure("\(file):1: the header has no email column.")
        }
        return lines.enumerated().dropFirst().compactMap { index, line in
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let fields = CSV.fields(line)
            return (index + 1, column < fields.count ? fields[column].trimmingCharacters(in: .whitespaces) : "")
        }
    }
}

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roster", abstract: "A course's roster with progress, as a table or CSV.")

    @Argument(help: "The course's slug.") var slug: String
    @Flag(help: "CSV (UTF-8 with a byte-order mark, so spreadsheets show Arabic names).") var csv = false

    func run() async throws {
        let (slug, csv) = (self.slug, self.csv)
        let entries = try await CommandEnvironment.withDependencies { dependencies in
            let course = try await dependencies.access.course(.slug(slug))
            return try await dependencies.enrollments.wholeRoster(of: course.id)
        }
        let header = ["email", "display_name", "status", "enrolled_at", "completed_lessons", "total_lessons", "percent", "last_activity_at"]
        let rows = entries.map { entry in
            [
                entry.user.email, entry.user.displayName, entry.enrollment.status.rawValue, RFC3339.string(from: entry.enrollment.enrolledAt),
                String(entry.progress.completedLessons), String(entry.progress.totalLessons), String(entry.progress.percent),
                entry.enrollment.lastActivityAt.map(RFC3339.string(from:)) ?? "",
            ]
        }
        if csv {
            print(CSV.document([header] + rows), terminator: "")
        } else {
            for row in rows {
                print("\(row[0].padding(toLength: 32, withPad: " ", startingAt: 0)) \(row[2].padding(toLength: 10, withPad: " ", startingAt: 0)) \(row[6].leftPadded(3))%  \(row[1])")
            }
        }
    }
}

struct CertificatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificates", abstract: "Verify or revoke certificates; rotate the key that signs them.",
        subcommands: [Verify.self, Revoke.self, RotateKey.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a certificate's signature and status; exit 1 when it is not valid.")
        @Argument(help: "The certificate's id.") var id: String

        func run() async throws {
            guard let id = UUID(uuidString: self.id) else { throw ValidationError("\(self.id) is not a certificate id.") }
            let verification = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.certificates.verify(id)
            }
            guard let verification else { throw CommandFailure("No certificate has the id \(id.uuidString.lowercased()).") }
            print(verification.certificate.payload)
            print("signature: \(verification.signatureValid ? "verifies" : "DOES NOT VERIFY")")
            if let revokedAt = verification.certificate.revokedAt {
                print("revoked: \(RFC3339.string(from: revokedAt)) (\(verification.certificate.revokedReason ?? ""))")
            }
            if !verification.valid { throw ExitCode(1) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a certificate; it then reports valid: false.")
        @Argument(help: "The certificate's id.") var id: String
        @Option(help: "Why, shown to whoever checks it.") var reason: String

        func run() async throws {
            guard let id = UUID(uuidString: self.id) else { throw ValidationError("\(self.id) is not a certificate id.") }
            let reason = self.reason
            let revoked = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.certificates.revoke(id, reason: reason)
            }
            guard revoked else { throw CommandFailure("No certificate \(id.uuidString.lowercased()) that is not revoked already.") }
            print("Certificate \(id.uuidString.lowercased()) is revoked.")
        }
    }
}

extension CertificatesCommand {
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Sign the certificates issued from now on with a new key; those issued before still verify with theirs.",
            discussion: "Every key stays published at /api/v1/certificates/public-key?key_id=ID, the id each certificate names."
        )

        func run() async throws {
            let id = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.certificates.rotateKey()
            }
            print("New certificates are signed with key \(id); the older keys still verify what they signed.")
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

struct GradebookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradebook", abstract: "A course's gradebook: each student's lesson progress and quiz grades, as a table or CSV."
    )

    @Argument(help: "The course's slug.") var slug: String
    @Option(help: "The language of the quiz titles (default: the course's).") var lang: String?
    @Flag(help: "CSV (UTF-8 with a byte-order mark, so spreadsheets show Arabic names).") var csv = false

    func run() async throws {
        let (slug, lang) = (self.slug, self.lang)
        let gradebook = try await CommandEnvironment.withDependencies { dependencies in
            let course = try await dependencies.access.course(.slug(slug))
            return try await dependencies.gradebook.gradebook(of: course, language: lang ?? course.defaultLanguage)
        }
        if csv {
            print(CSV.document(gradebook.table), terminator: "")
        } else {
            for row in gradebook.table {
                print(row.joined(separator: "\t"))
            }
        }
    }
}
