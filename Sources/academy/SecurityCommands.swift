import AcademyServices
import AcademyCore
import AcademyStore
import ArgumentParser
import Foundation

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "End sessions.", subcommands: [Revoke.self]
    )

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every session of an account, on every instance at once.")
        @Option(help: "The account's email.") var user: String

        func run() async throws {
            let email = user
            let count = try await CommandEnvironment.withDependencies { dependencies in
                guard let account = try await dependencies.accounts.users.find(email: email) else {
                    throw CommandFailure("No account has the email \(email).")
                }
                return try await dependencies.accounts.sessions.revokeAll(
                    userID: account.id,
                    audit: AuditEntry(.sessionsRevoked, subjectID: account.id, subjectEmail: account.email, clientAddress: "cli")
                )
            }
            print("Revoked \(count) session\(count == 1 ? "" : "s") of \(email).")
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the keys that sign session tokens.",
        subcommands: [List.self, Rotate.self, Retire.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List signing keys; the newest usable one signs.")

        func run() async throws {
            let keys = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.signingKeys.all()
            }
            let signing = keys.first { $0.retiredAt == nil }?.id
            for key in keys {
                let state = key.retiredAt.map { "retired \(RFC3339.string(from: $0))" } ?? (key.id == signing ? "signing" : "verifying")
                print("\(key.id)  created \(RFC3339.string(from: key.createdAt))  \(state)")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a key that signs new sessions; older keys keep verifying until retired."
        )

        func run() async throws {
            let key = try await CommandEnvironment.withDependencies { dependencies in
                let key = dependencies.keyRing.newKey()
                try await dependencies.signingKeys.rotate(
                    to: key, audit: AuditEntry(.keyRotated, clientAddress: "cli")
                )
                return key
            }
            print("Key \(key.id) signs new sessions from now on, on every instance.")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a key: every session it signed ends at once, on every instance."
        )
        @Argument(help: "The key id (see `academy keys list`); one that starts with - goes after --.") var kid: String

        func run() async throws {
            let kid = self.kid
            try await CommandEnvironment.withDependencies { dependencies in
                do {
                    try await dependencies.signingKeys.retire(
                        id: kid, audit: AuditEntry(.keyRetired, clientAddress: "cli")
                    )
                } catch let error as SigningKeyError {
                    throw CommandFailure(error.description)
                }
            }
            print("Key \(kid) is retired; its sessions are revoked.")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the security audit log.", subcommands: [Tail.self]
    )

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the latest security events, newest last.")
        @Option(help: "How many (1–1000).") var limit = 50

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000.") }
        }

        func run() async throws {
            let limit = self.limit
            let entries = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.auditLog.tail(limit: limit)
            }
            for entry in entries.reversed() {
                let fields: [String?] = [
                    entry.occurredAt.map(RFC3339.string(from:)), entry.event.rawValue,
                    entry.actorID.map { "actor=\($0.uuidString.lowercased())" },
                    entry.subjectEmail.map { "subject=\($0)" },
                    entry.clientAddress.map { "from=\($0)" },
                    entry.requestID.map { "request=\($0)" },
                ] + entry.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                // Rows written by hand (psql) were never escaped on the way in.
                print(fields.compactMap { $0.map { PrintableText.escaped($0, doublingBackslashes: false) } }.joined(separator: "  "))
            }
        }
    }
}
