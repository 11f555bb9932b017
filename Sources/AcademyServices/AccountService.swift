public import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Foundation

/// The account operations the API and the CLI share: creating accounts, signing in and out,
/// changing passwords. Each validates with `AccountRules`, hashes on the pool, and stores with
/// its audit entry in one transaction.
public struct AccountService: Sendable {
    public struct LoginSettings: Sendable {
        public var sessionLifetime: Duration
        public var accountThrottle: LoginThrottle
        public var addressThrottle: LoginThrottle

        public init(sessionLifetime: Duration, accountThrottle: LoginThrottle, addressThrottle: LoginThrottle) {
            self.sessionLifetime = sessionLifetime
            self.accountThrottle = accountThrottle
            self.addressThrottle = addressThrottle
        }
    }

    /// Account data as a client or operator typed it, before validation.
    public struct AccountInput: Sendable {
        public var email: String
        public var password: String
        public var displayName: String
        public var locale: String?
        public var timezone: String?

        public init(email: String, password: String, displayName: String, locale: String? = nil, timezone: String? = nil) {
            self.email = email
            self.password = password
            self.displayName = displayName
            self.locale = locale
            self.timezone = timezone
        }
    }

    /// Where a request came from, for sessions and the audit log.
    public struct Origin: Sendable {
        public var requestID: String?
        public var clientAddress: String?
        public var userAgent: String?

        public init(requestID: String?, clientAddress: String?, userAgent: String?) {
            self.requestID = requestID
            self.clientAddress = clientAddress
            self.userAgent = userAgent
        }

        public static let commandLine = Origin(requestID: nil, clientAddress: "cli", userAgent: nil)
    }

    public struct SignedIn: Sendable {
        public let token: String
        public let expiresAt: Date
        public let user: User
    }

    public let users: UserRepository
    public let sessions: SessionRepository
    let failures: LoginFailureRepository
    let hashing: PasswordHashingPool
    let keyRing: SigningKeyRing
    let settings: LoginSettings

    public init(
        users: UserRepository, sessions: SessionRepository, failures: LoginFailureRepository,
        hashing: PasswordHashingPool, keyRing: SigningKeyRing, settings: LoginSettings
    ) {
        self.users = users
        self.sessions = sessions
        self.failures = failures
        self.hashing = hashing
        self.keyRing = keyRing
        self.settings = settings
    }

    public func createAccount(_ input: AccountInput, role: Role, by actor: Actor?, event: AuditEntry.Event, origin: Origin) async throws -> User {
        var validation = FieldValidation()
        let email = validation.check(AccountRules.email(input.email))
        let password = validation.check(AccountRules.password(input.password))
        let displayName = validation.check(AccountRules.displayName(input.displayName))
        let locale = validation.check(input.locale) { AccountRules.locale($0) }
        let timezone = validation.check(input.timezone) { AccountRules.timezone($0) }
        try validation.finish()
        guard let email, let password, let displayName else { throw AcademyError.validationFailed(validation.errors) }
        let hash = try await hashing.hash(password)
        return try await users.create(
            NewUser(email: email, displayName: displayName, role: role, locale: locale, timezone: timezone, passwordHash: hash),
            audit: AuditEntry(event, actorID: actor?.userID, requestID: origin.requestID, clientAddress: origin.clientAddress, details: ["role": role.rawValue])
        )
    }

    /// Signs in. A wrong password, an unknown email and a disabled account get the same answer
    /// after the same work (an unknown email is hashed against a dummy), so the response tells an
    /// attacker nothing. Too many failures for the account or the address answer 429 before any
    /// hashing is spent.
    public func login(email: String, password: String, origin: Origin) async throws -> SignedIn {
        let emailKey = AccountRules.emailKey(email)
        let address = origin.clientAddress ?? "unknown"
        try await checkThrottle(emailKey: emailKey, clientAddress: address)
        let stored = try await users.credentials(email: email)
        let verification = try await hashing.verify(AccountRules.normalizedPassword(password), against: stored?.passwordHash)
        guard let stored, case .match(let needsRehash) = verification, !stored.user.disabled else {
            try await failures.record(
                emailKey: emailKey, clientAddress: address, window: settings.accountThrottle.window,
                audit: AuditEntry(.loginFailed, subjectID: stored?.user.id, subjectEmail: String(emailKey.prefix(254)), requestID: origin.requestID, clientAddress: address)
            )
            throw AcademyError.invalidCredentials
        }
        let key = try await keyRing.signingKey()
        let sessionID = UUID()
        let expiresAt = Date().addingTimeInterval(Double(settings.sessionLifetime.components.seconds)).rounded()
        _ = try await sessions.open(
            id: sessionID, for: stored.user, keyID: key.id, expiresAt: expiresAt,
            clientAddress: address, userAgent: origin.userAgent,
            audit: AuditEntry(.loginSucceeded, actorID: stored.user.id, subjectID: stored.user.id, subjectEmail: stored.user.email, requestID: origin.requestID, clientAddress: address, details: ["session_id": sessionID.apiString])
        )
        if needsRehash {
            let upgraded = try await hashing.hash(AccountRules.normalizedPassword(password))
            try await users.upgradePasswordHash(of: stored.user.id, from: stored.passwordHash, to: upgraded)
        }
        return SignedIn(token: SessionToken.issue(sessionID: sessionID, expiresAt: expiresAt, key: key), expiresAt: expiresAt, user: stored.user)
    }

    private func checkThrottle(emailKey: String, clientAddress: String) async throws {
        let recent = try await failures.recent(
            emailKey: emailKey, clientAddress: clientAddress, window: settings.accountThrottle.window,
            limit: (settings.accountThrottle.maximumFailures, settings.addressThrottle.maximumFailures)
        )
        let now = Date()
        let waits = [
            settings.accountThrottle.retryAfterSeconds(recentFailures: recent.account, now: now),
            settings.addressThrottle.retryAfterSeconds(recentFailures: recent.address, now: now),
        ].compactMap { $0 }
        if let wait = waits.max() {
            throw AcademyError.rateLimited(retryAfterSeconds: wait)
        }
    }

    /// A password change by its owner: the current password must be right (and wrong guesses
    /// count as failed logins), and every other session is revoked.
    public func changePassword(of principal: Principal, current: String, new: String, origin: Origin) async throws {
        var validation = FieldValidation()
        let newPassword = validation.check(AccountRules.password(new, field: "new_password"))
        try validation.finish()
        guard let newPassword, let user = try await users.find(id: principal.userID) else { throw AcademyError.unauthenticated }
        let emailKey = AccountRules.emailKey(user.email)
        let address = origin.clientAddress ?? "unknown"
        try await checkThrottle(emailKey: emailKey, clientAddress: address)
        let stored = try await users.passwordHash(id: principal.userID)
        guard case .match = try await hashing.verify(AccountRules.normalizedPassword(current), against: stored) else {
            try await failures.record(
                emailKey: emailKey, clientAddress: address, window: settings.accountThrottle.window,
                audit: AuditEntry(.loginFailed, actorID: user.id, subjectID: user.id, subjectEmail: user.email, requestID: origin.requestID, clientAddress: address, details: ["via": "password_change"])
            )
            throw AcademyError.validationFailed([FieldError(field: "current_password", message: "is not your current password")])
        }
        try await users.replacePasswordHash(
            of: user.id, with: try await hashing.hash(newPassword), keepingSession: principal.sessionID,
            audit: AuditEntry(.passwordChanged, actorID: user.id, requestID: origin.requestID, clientAddress: address)
        )
    }

    /// An operator sets a new password (the CLI's `user reset-password`); every session ends.
    public func resetPassword(of user: User, to new: String, origin: Origin) async throws {
        let password: String
        switch AccountRules.password(new) {
        case .success(let valid): password = valid
        case .failure(let error): throw AcademyError.validationFailed([error])
        }
        try await users.replacePasswordHash(
            of: user.id, with: try await hashing.hash(password), keepingSession: nil,
            audit: AuditEntry(.passwordReset, requestID: origin.requestID, clientAddress: origin.clientAddress)
        )
    }
}

extension Date {
    /// Whole seconds, as tokens and RFC 3339 timestamps carry them.
    func rounded() -> Date {
        Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down))
    }
}
