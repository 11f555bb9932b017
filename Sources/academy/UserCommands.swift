import AcademyServices
import AcademyCore
import AcademyCrypto
import AcademyStore
import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Create and manage accounts.",
        subcommands: [Create.self, List.self, SetRole.self, Disable.self, Enable.self, ResetPassword.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: """
            Without --password-stdin a strong password is generated and printed once; it is not
            stored anywhere in readable form.
            """
        )

        @Option(help: "The email the person signs in with.") var email: String
        @Option(help: "The display name, in any script.") var name: String
        @Option(help: "admin, instructor or student.", transform: parseRole) var role: Role = .student
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false
        @Flag(help: "Do nothing (and succeed) when an active admin exists: for first-run scripts.")
        var onlyIfNoAdmin = false

        func run() async throws {
            let supplied = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            let password = supplied ?? Self.generatedPassword()
            let (email, name, role, onlyIfNoAdmin) = (self.email, self.name, self.role, self.onlyIfNoAdmin)
            let created = try await CommandEnvironment.withDependencies { dependencies -> User? in
                if onlyIfNoAdmin, try await dependencies.accounts.users.hasActiveAdmin() {
                    return nil
                }
                return try await dependencies.accounts.createAccount(
                    .init(email: email, password: password, displayName: name),
                    role: role, by: .operator, event: .userCreated, origin: .commandLine
                )
            }
            guard let created else {
                print("An active admin exists already; nothing created.")
                return
            }
            print("Created \(created.role.rawValue) \(created.email) (\(created.id.uuidString.lowercased())).")
            if supplied == nil {
                print("Password (shown once): \(password)")
            }
        }

        /// 20 characters from 120 random bits, without look-alikes.
        static func generatedPassword() -> String {
            let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            return String(SecureRandom.bytes(count: 20).map { alphabet[Int($0) % alphabet.count] })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts, by display name.")

        @Option(help: "Only accounts whose name or email contains this.") var query: String?
        @Option(help: "Only this role.", transform: parseRole) var role: Role?
        @Option(help: "At most this many (1–200).") var limit = 200

        func run() async throws {
            let (query, role, limit) = (self.query, self.role, self.limit)
            let page = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.accounts.users.list(
                    matching: query, role: role, page: try PageRequest(limitParameter: String(limit), cursorParameter: nil)
                )
            }
            for user in page.items {
                let state = user.disabled ? "disabled" : "active"
                print("\(user.id.uuidString.lowercased())  \(user.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(state.padding(toLength: 8, withPad: " ", startingAt: 0))  \(user.email)  \(user.displayName)")
            }
            if page.nextCursor != nil {
                print("… more; narrow with --query or --role.")
            }
        }
    }

    struct SetRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change an account's role.")

        @Option(help: "The account's email.") var email: String
        @Option(help: "admin, instructor or student.", transform: parseRole) var role: Role

        func run() async throws {
            let (email, role) = (self.email, self.role)
            let user = try await UserCommand.change(email: email, role: role, disabled: nil)
            print("\(user.email) is now \(user.role.rawValue).")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end all its sessions.")
        @Option(help: "The account's email.") var email: String

        func run() async throws {
            let user = try await UserCommand.change(email: email, role: nil, disabled: true)
            print("\(user.email) is disabled; its sessions are revoked.")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @Option(help: "The account's email.") var email: String

        func run() async throws {
            let user = try await UserCommand.change(email: email, role: nil, disabled: false)
            print("\(user.email) is enabled.")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (generated and printed once, or from standard input); ends all sessions."
        )
        @Option(help: "The account's email.") var email: String
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let supplied = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            let password = supplied ?? Create.generatedPassword()
            let email = self.email
            try await CommandEnvironment.withDependencies { dependencies in
                guard let user = try await dependencies.accounts.users.find(email: email) else {
                    throw CommandFailure("No account has the email \(email).")
                }
                try await dependencies.accounts.resetPassword(of: user, to: password, origin: .commandLine)
            }
            print("Password of \(email) reset; its sessions are revoked.")
            if supplied == nil {
                print("Password (shown once): \(password)")
            }
        }
    }

    static func change(email: String, role: Role?, disabled: Bool?) async throws -> User {
        try await CommandEnvironment.withDependencies { dependencies in
            guard let user = try await dependencies.accounts.users.find(email: email) else {
                throw CommandFailure("No account has the email \(email).")
            }
            return try await dependencies.accounts.users.changeAccess(
                of: user.id, by: .operator, role: role, disabled: disabled, displayName: nil,
                audit: AuditEntry(.roleChanged, clientAddress: "cli", details: ["via": "cli"])
            )
        }
    }
}

/// Roles as command-line values, with the allowed ones named when a value is wrong.
func parseRole(_ raw: String) throws -> Role {
    guard let role = Role(rawValue: raw) else {
        throw ValidationError("\(raw) is not a role; use admin, instructor or student.")
    }
    return role
}
