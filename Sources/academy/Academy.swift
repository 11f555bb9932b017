import ArgumentParser

@main
struct Academy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "academy",
        abstract: "The Holy Knowledge Academy: REST server and admin commands.",
        discussion: """
        Every command reads its settings from ACADEMY_* environment variables; `academy serve --help`
        lists them. After Scripts/run, `set -a; . .data/academy.env; set +a` sets them for this shell.
        """,
        subcommands: [Serve.self, Migrate.self, CourseCommand.self, QuestionsCommand.self, EnrollCommand.self, RosterCommand.self, GradebookCommand.self, CertificatesCommand.self, UserCommand.self, SessionsCommand.self, KeysCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, BlobsCommand.self, AttendanceCommand.self, AnnounceCommand.self]
    )
}
