import AcademyCore
import AcademyServices
import AcademyTestSupport
import AcademyStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PostgresNIO
import Testing

/// The `academy` executable as an operator meets it: help, configuration errors, migrations,
/// and a server that starts, answers and stops cleanly on SIGTERM.
@Suite struct CommandLineTests {
    /// The binary SwiftPM built next to this test bundle.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent()
        .appendingPathComponent("academy")

    struct Outcome {
        let status: Int32
        let output: String
        let errorOutput: String
    }

    static func environment(_ url: DatabaseURL, _ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ACADEMY_") }
        environment["ACADEMY_DATABASE_URL"] = "postgres://\(url.username):\(url.password ?? "")@\(url.host):\(url.port)/\(url.database)?sslmode=disable"
        environment["ACADEMY_LOG_LEVEL"] = "warning"
        environment["ACADEMY_PASSWORD_HASH_COST"] = "10"
        return environment.merging(extra) { $1 }
    }

    static func run(_ arguments: [String], environment: [String: String], input: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errorOutput = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errorOutput
        process.standardInput = standardInput
        try process.run()
        if let input {
            standardInput.fileHandleForWriting.write(Data(input.utf8))
        }
        try standardInput.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            errorOutput: String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test func helpListsEveryCommand() throws {
        let outcome = try Self.run(["--help"], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("serve"))
        #expect(outcome.output.contains("migrate"))
        let serveHelp = try Self.run(["serve", "--help"], environment: [:])
        #expect(serveHelp.output.contains("ACADEMY_DATABASE_URL"))
        #expect(serveHelp.output.contains("ACADEMY_MAX_BODY_BYTES"))
    }

    @Test func badConfigurationExitsWithTheVariableNamed() throws {
        let url = try DatabaseURL("postgres://u:topsecret@127.0.0.1:1/db")
        let outcome = try Self.run(["serve"], environment: Self.environment(url, ["ACADEMY_PORT": "http"]))
        #expect(outcome.status == 78)
        #expect(outcome.errorOutput.contains("ACADEMY_PORT"))
        #expect(outcome.errorOutput.contains("an integer from 0 to 65535"))
        #expect(!outcome.errorOutput.contains("topsecret"))
    }

    @Test func anUnwritableDataFolderStopsTheStart() throws {
        let url = try DatabaseURL("postgres://u:pw@127.0.0.1:1/db")
        let outcome = try Self.run(["serve"], environment: Self.environment(url, ["ACADEMY_DATA_DIR": "/proc/academy-files"]))
        #expect(outcome.status == 78)
        #expect(outcome.errorOutput.contains("ACADEMY_DATA_DIR"))
    }

    @Test func migrateAppliesThenReportsStatus() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            let environment = Self.environment(url)
            let pending = try Self.run(["migrate", "--status"], environment: environment)
            #expect(pending.status == 0)
            #expect(pending.output.contains("Applied:\n  (none)"))
            #expect(pending.output.contains("0001  users"))

            let applied = try Self.run(["migrate"], environment: environment)
            #expect(applied.status == 0, "\(applied.errorOutput)")
            #expect(applied.output.contains("Applied migrations 1"))

            let again = try Self.run(["migrate"], environment: environment)
            #expect(again.output.contains("Nothing to apply"))
            let status = try Self.run(["migrate", "--status"], environment: environment)
            #expect(status.output.contains("Pending:\n  (none)"))
        }
    }

    @Test func serveAnswersAndStopsCleanlyOnSIGTERM() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            // Below Linux's ephemeral range (32768-60999), where the suite's own client
            // connections would now and then hold the port chosen.
            let port = 20_000 + Int.random(in: 0..<12_000)
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(port)-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: log) }
            let process = Process()
            process.executableURL = Self.executable
            process.arguments = ["serve"]
            process.environment = Self.environment(url, ["ACADEMY_PORT": String(port)])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            let serverLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

            var readyStatus = 0
            for _ in 0..<100 where readyStatus != 200 {
                readyStatus = await Self.status(of: "http://127.0.0.1:\(port)/health/ready")
                if readyStatus != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(readyStatus == 200, "\(serverLog())")

            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<100 where process.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0, "\(serverLog())")
        }
    }

    static func status(of address: String) async -> Int {
        guard let (_, response) = try? await URLSession.shared.data(from: URL(string: address)!) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test func accountCommandsManageUsersAndTheirSessions() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            let environment = Self.environment(url)
            func academy(_ arguments: String..., input: String? = nil) throws -> Outcome {
                try Self.run(arguments, environment: environment, input: input)
            }

            let first = try academy("user", "create", "--email", "root@example.org", "--name", "Root", "--role", "admin", "--only-if-no-admin")
            #expect(first.status == 0, "\(first.errorOutput)")
            let generated = try #require(first.output.split(separator: "\n").first { $0.hasPrefix("Password (shown once): ") })
            #expect(generated.count == "Password (shown once): ".count + 20)
            let second = try academy("user", "create", "--email", "other@example.org", "--name", "Other", "--role", "admin", "--only-if-no-admin")
            #expect(second.output.contains("nothing created"))

            let student = try academy("user", "create", "--email", "amina@example.org", "--name", "أمينة", "--password-stdin", input: "a long enough password\n")
            #expect(student.status == 0)
            #expect(!student.output.contains("Password"))
            let weak = try academy("user", "create", "--email", "weak@example.org", "--name", "W", "--password-stdin", input: "short\n")
            #expect(weak.status != 0)
            #expect(weak.errorOutput.contains("password must be at least 10 characters"))
            let badRole = try academy("user", "create", "--email", "x@example.org", "--name", "X", "--role", "pope")
            #expect(badRole.status != 0)
            #expect(badRole.errorOutput.contains("admin, instructor or student"))

            let list = try academy("user", "list")
            #expect(list.output.contains("root@example.org"))
            #expect(list.output.contains("أمينة"))
            #expect(try academy("user", "list", "--role", "admin").output.contains("amina") == false)

            #expect(try academy("user", "set-role", "--email", "amina@example.org", "--role", "instructor").output.contains("now instructor"))
            let lastAdmin = try academy("user", "set-role", "--email", "root@example.org", "--role", "student")
            #expect(lastAdmin.status != 0)
            #expect(lastAdmin.errorOutput.contains("last active administrator"))
            #expect(try academy("user", "disable", "--email", "amina@example.org").status == 0)
            #expect(try academy("user", "enable", "--email", "amina@example.org").status == 0)
            let missing = try academy("user", "disable", "--email", "ghost@example.org")
            #expect(missing.status != 0)
            #expect(missing.errorOutput.contains("No account has the email ghost@example.org"))

            let reset = try academy("user", "reset-password", "--email", "amina@example.org")
            #expect(reset.output.contains("Password (shown once): "))
            #expect(try academy("sessions", "revoke", "--user", "amina@example.org").output.contains("Revoked 0 sessions"))

            let tail = try academy("audit", "tail", "--limit", "20")
            for event in ["user.created", "user.role_changed", "user.disabled", "user.enabled", "user.password_reset", "sessions.revoked"] {
                #expect(tail.output.contains(event), "audit tail lacks \(event)")
            }
            #expect(!tail.output.contains("$scrypt$"))

            // A login email that tries to forge a line or drive the terminal is shown escaped,
            // whether the application stored it or someone wrote it with psql.
            try await TestDatabases.withDatabase(url) { database in
                try await AuditLog(database: database).append(AuditEntry(.loginFailed, subjectEmail: "x\n2026-12-01T00:00:00Z  login.succeeded\u{1B}[2J"))
                try await database.run("INSERT INTO audit_log (event, subject_email) VALUES ('login.failed', E'y\\n\\u001b[31mred')")
            }
            let forged = try academy("audit", "tail", "--limit", "2").output
            #expect(forged.split(separator: "\n").count == 2)
            #expect(!forged.contains("\u{1B}"))
            #expect(forged.contains(#"subject=x\u{a}2026-12-01T00:00:00Z  login.succeeded\u{1b}[2J"#))
            #expect(forged.contains(#"subject=y\u{a}\u{1b}[31mred"#))
        }
    }

    @Test func keyCommandsRotateListAndRetire() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            let environment = Self.environment(url)
            let first = try Self.run(["keys", "rotate"], environment: environment)
            #expect(first.status == 0)
            let second = try Self.run(["keys", "rotate"], environment: environment)
            let list = try Self.run(["keys", "list"], environment: environment)
            let lines = list.output.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.hasSuffix("signing") == true)
            #expect(lines.last?.hasSuffix("verifying") == true)
            let oldest = try #require(lines.last?.split(separator: " ").first.map(String.init))
            #expect(try Self.run(["keys", "retire", oldest], environment: environment).status == 0)
            #expect(try Self.run(["keys", "list"], environment: environment).output.contains("retired"))
            let newest = try #require(lines.first?.split(separator: " ").first.map(String.init))
            let last = try Self.run(["keys", "retire", newest], environment: environment)
            #expect(last.status != 0)
            #expect(last.errorOutput.contains("keys rotate"))
            #expect(second.status == 0)
            #expect(try Self.run(["audit", "tail"], environment: environment).output.contains("key.retired"))
        }
    }

    @Test func enrolmentRosterAndCertificateCommands() async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Courses/arabic-script").standardized.path
        try await TestDatabases.withMigratedDatabase { url in
            let environment = Self.environment(url)
            func academy(_ arguments: String...) throws -> Outcome {
                try Self.run(arguments, environment: environment)
            }
            #expect(try academy("course", "import", samples).output.contains("Created arabic-script: 2 modules, 4 lessons, 2 quizzes, 7 bank questions."))
            for (email, name) in [("amina@example.org", "أمينة"), ("bilal@example.org", "Bilal, \"the scribe\""), ("chen@example.org", "Chen")] {
                #expect(try Self.run(["user", "create", "--email", email, "--name", name, "--password-stdin"], environment: environment, input: "a long enough password\n").status == 0)
            }
            #expect(try academy("enroll", "--course", "arabic-script", "--user", "amina@example.org").output.contains("Enrolled amina@example.org"))

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let bad = folder.appendingPathComponent("bad.csv").path
            try "\u{FEFF}name,email\nBilal,bilal@example.org\nGhost,ghost@example.org\n\"Bilal, again\",BILAL@example.org\n".write(toFile: bad, atomically: true, encoding: .utf8)
            let refused = try academy("enroll", "--course", "arabic-script", "--csv", bad)
            #expect(refused.status != 0)
            #expect(refused.errorOutput.contains("bad.csv:3: no active account has the email ghost@example.org"))
            #expect(refused.errorOutput.contains("bad.csv:4: BILAL@example.org appears more than once"))
            #expect(!(try academy("roster", "arabic-script").output.contains("bilal@example.org")))

            let good = folder.appendingPathComponent("good.csv").path
            try "email,name\r\nbilal@example.org,\"Bilal, the scribe\"\r\nchen@example.org,Chen\r\namina@example.org,أمينة\r\n".write(toFile: good, atomically: true, encoding: .utf8)
            let applied = try academy("enroll", "--course", "arabic-script", "--csv", good)
            #expect(applied.output.contains("Enrolled 2 of 3 people"))

            let csv = try academy("roster", "arabic-script", "--csv").output
            #expect(csv.hasPrefix("\u{FEFF}email,display_name,status,"))
            #expect(csv.contains("bilal@example.org,\"Bilal, \"\"the scribe\"\"\",active,"))
            #expect(csv.contains("amina@example.org,أمينة,active,"))
            #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4)
            let gradebook = try academy("gradebook", "arabic-script", "--csv").output
            #expect(gradebook.hasPrefix("\u{FEFF}email,display_name,status,lessons_percent"))
            #expect(gradebook.contains("amina@example.org,أمينة,active,0"))
            #expect(try academy("gradebook", "no-such-course").errorOutput.contains("No course has the slug no-such-course"))

            // A certificate for Amina, issued as the API would on her last lesson.
            let certificateID = try await TestDatabases.withDatabase(url) { database in
                let users = UserRepository(database: database)
                let amina = try #require(try await users.find(email: "amina@example.org"))
                let course = try #require(try await CourseRepository(database: database).find(.slug("arabic-script"), for: nil)?.course)
                let enrollments = EnrollmentRepository(database: database)
                let enrollment = try #require(try await enrollments.find(userID: amina.id, courseID: course.id))
                for lesson in try await CourseContentRepository(database: database).lessons(of: course.id) {
                    _ = try await enrollments.complete(itemID: lesson.id, for: enrollment)
                }
                let certificates = CertificateService(
                    certificates: CertificateRepository(database: database), courses: CourseRepository(database: database), users: users,
                    secrets: SecretsAtRest(sealer: nil), reads: ReplicaReads(primary: database, replica: nil)
                )
                return try await certificates.issue(for: enrollment).id.uuidString
            }
            // The question bank, in and out.
            let gift = try academy("questions", "export", "--course", "arabic-script", "--format", "gift")
            #expect(gift.status == 0 && gift.output.contains("$CATEGORY: Letters/Shapes") && gift.output.contains("::describe-ba::"))
            let file = folder.appendingPathComponent("more.gift").path
            try "::good::Is ا alif?{T}\n\n::bad::Never closes {=a ~b\n".write(toFile: file, atomically: true, encoding: .utf8)
            let refusedFile = try academy("questions", "import", "--course", "arabic-script", file, "--category", "Extra")
            #expect(refusedFile.status != 0 && refusedFile.errorOutput.contains("line 3 “bad”"))
            let partly = try academy("questions", "import", "--course", "arabic-script", file, "--category", "Extra", "--partial")
            #expect(partly.status == 0 && partly.output.contains("Imported 1 question into arabic-script") && partly.output.contains("Skipped line 3 “bad”"))
            let xml = folder.appendingPathComponent("bank.xml").path
            #expect(try academy("questions", "export", "--course", "arabic-script", "--category", "Extra", "--output", xml).status == 0)
            #expect(try String(contentsOfFile: xml, encoding: .utf8).contains("<text>$course$/top/Extra</text>"))

            let rotated = try academy("certificates", "rotate-key")
            #expect(rotated.status == 0 && rotated.output.contains("New certificates are signed with key "))
            let verified = try academy("certificates", "verify", certificateID)
            #expect(verified.status == 0, "a certificate signed before the rotation still verifies")
            #expect(verified.output.contains("signature: verifies"))
            #expect(verified.output.contains("\"student_name\":\"أمينة\""))
            #expect(try academy("certificates", "revoke", certificateID, "--reason", "test").status == 0)
            let revoked = try academy("certificates", "verify", certificateID)
            #expect(revoked.status == 1)
            #expect(revoked.output.contains("revoked:"))
            #expect(try academy("certificates", "verify", "not-an-id").status != 0)
        }
    }

    @Test func attendanceImportAndAnnounceCommands() async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Courses/arabic-script").standardized.path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("live-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await TestDatabases.withMigratedDatabase { url in
            let environment = Self.environment(url)
            func academy(_ arguments: String...) throws -> Outcome {
                try Self.run(arguments, environment: environment)
            }
            #expect(try academy("course", "import", samples).status == 0)
            #expect(try Self.run(["user", "create", "--email", "amina@example.org", "--name", "أمينة", "--password-stdin"], environment: environment, input: "a long enough password\n").status == 0)
            #expect(try academy("enroll", "--course", "arabic-script", "--user", "amina@example.org").status == 0)
            let (sessionID, courseID) = try await TestDatabases.withDatabase(url) { database in
                let course = try #require(try await CourseRepository(database: database).find(.slug("arabic-script"), for: nil)?.course)
                let module = try #require(try await CourseContentRepository(database: database).modules(of: course.id).first)
                let session = try await LiveSessionRepository(database: database).create(in: module, position: nil, LiveSessionDraft(
                    settings: LiveSessionSettings(
                        startsAt: Date().addingTimeInterval(-7200), durationMinutes: 60, meetingURL: "https://meet.example.org/main", channels: [:],
                        required: false, cancelled: false, recordingURL: nil
                    ),
                    releaseAt: nil, requiresPrevious: false,
                    translations: ["ar": LiveSessionText(title: "محاضرة", descriptionMarkdown: "", descriptionHTML: "")]
                ))
                return (session.id, course.id)
            }

            let report = folder.appendingPathComponent("participants.csv").path
            try "Name,Email,Duration\nأمينة,amina@example.org,1:02:00\nGuest,guest@example.org,0:30:00\n".write(toFile: report, atomically: true, encoding: .utf8)
            let imported = try academy("attendance", "import", "--session", sessionID.uuidString, report)
            #expect(imported.status == 0, "\(imported.errorOutput)")
            #expect(imported.output.contains("Recorded the attendance of 1 student(s)."))
            #expect(imported.output.contains("participants.csv:3: guest@example.org: no student of this course has this email"))
            let minutes = try await TestDatabases.withDatabase(url) { database in
                try await database.rows("SELECT minutes FROM live_session_attendance WHERE session_id = \(sessionID)", as: Int?.self)
            }
            #expect(minutes == [62])
            #expect(try academy("attendance", "import", "--session", UUID().uuidString, report).errorOutput.contains("No live session has the id"))

            let arabic = folder.appendingPathComponent("ar.md").path
            try "---\ntitle: تنبيه\n---\nالمحاضرة **غدا**\n".write(toFile: arabic, atomically: true, encoding: .utf8)
            let english = folder.appendingPathComponent("en.md").path
            try "---\ntitle: Notice\n---\nThe lecture is **tomorrow**\n".write(toFile: english, atomically: true, encoding: .utf8)
            let posted = try academy("announce", "--course", "arabic-script", "--pinned", arabic, english)
            #expect(posted.status == 0, "\(posted.errorOutput)")
            #expect(posted.output.contains("in ar, en, visible now."))
            let stored = try await TestDatabases.withDatabase(url) { database in
                try await database.rows(
                    "SELECT a.pinned, t.body_html FROM announcements a JOIN announcement_translations t ON t.announcement_id = a.id AND t.language = 'ar' WHERE a.course_id = \(courseID)",
                    as: (Bool, String).self
                )
            }
            #expect(stored.count == 1 && stored.first?.0 == true && stored.first?.1.contains("<strong>غدا</strong>") == true)
            let englishOnly = try academy("announce", "--course", "arabic-script", english)
            #expect(englishOnly.status != 0 && englishOnly.errorOutput.contains("translations.ar is required"))
            #expect(try academy("announce", "--course", "arabic-script", "--publish-at", "tomorrow", arabic).status != 0)
        }
    }

    @Test func backupAndRestoreCommands() async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Courses/arabic-script").standardized.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("backup-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let backup = work.appendingPathComponent("backup").path
        try await TestDatabases.withMigratedDatabase { url in
            let environment = Self.environment(url, ["ACADEMY_DATA_DIR": work.appendingPathComponent("first").path])
            #expect(try Self.run(["course", "import", samples], environment: environment).status == 0)
            let made = try Self.run(["backup", backup], environment: environment)
            #expect(made.status == 0, "\(made.errorOutput)")
            #expect(made.output.contains("Backed up schema version "))
            let manifest = try String(contentsOfFile: backup + "/manifest.json", encoding: .utf8)
            #expect(manifest.contains("\"format\" : \"academy-backup-1\""))
            let overwrite = try Self.run(["backup", backup], environment: environment)
            #expect(overwrite.status != 0 && overwrite.errorOutput.contains("is not empty"))
            let intoItself = try Self.run(["restore", backup], environment: environment)
            #expect(intoItself.status != 0 && intoItself.errorOutput.contains("is not empty: restore into a new, empty database"))
        }
        try await TestDatabases.withEmptyDatabase { url in
            let environment = Self.environment(url, ["ACADEMY_DATA_DIR": work.appendingPathComponent("second").path])
            let restored = try Self.run(["restore", backup], environment: environment)
            #expect(restored.status == 0, "\(restored.errorOutput)")
            #expect(restored.output.contains("Restored the backup of "))
            #expect(try Self.run(["course", "list"], environment: environment).output.contains("arabic-script"))
            #expect(try Self.run(["migrate", "--status"], environment: environment).status == 0)
            let notABackup = try Self.run(["restore", work.path], environment: environment)
            #expect(notABackup.status != 0 && notABackup.errorOutput.contains("manifest.json cannot be read"))
        }
    }
}
