import ArgumentParser
import NIOCore
import NIOPosix

@main
struct Academy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "academy",
        abstract: "The Holy Knowledge Academy: REST server and admin commands.",
        discussion: """
        Every command reads its settings from ACADEMY_* environment variables; `academy serve --help`
        lists them. After Scripts/run, `set -a; . .data/academy.env; set +a` sets them for this shell.
        """,
        subcommands: [Serve.self, Migrate.self, CourseCommand.self, EnrollCommand.self, RosterCommand.self, GradebookCommand.self, CertificatesCommand.self, UserCommand.self, SessionsCommand.self, KeysCommand.self, AuditCommand.self]
    )

    static func main() async {
        // Handlers and the database driver then run on the same event loop threads, instead of
        // handing every request and every query result between those and Swift's own thread
        // pool. Blocking work (scrypt, zip extraction) runs on thread pools of its own.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}
