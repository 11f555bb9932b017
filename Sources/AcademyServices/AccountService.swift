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
        public var throttle: LoginThrottlePolicy
        public var registrationsPerAddress: RateLimit
        /// `ACADEMY_SELF_REGISTRATION`: whether students may sign themselves up.
        public var selfRegistration: Bool

        public init(sessionLifetime: Duration, throttle: LoginThrottlePolicy, registrationsPerAddress: RateLimit, selfRegistration: Bool) {
            self.sessionLifetime = sessionLifetime
            self.throttle = throttle
            self.registrationsPerAddress = registrationsPerAddress
            self.selfRegistration = selfRegistration
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
    let throttles: ThrottleRepository
    let auditLog: AuditLog
    let hashing: PasswordHashingPool
    let keyRing: SigningKeyRing
    let settings: LoginSettings

    public init(
        users: UserRepository, sessions: SessionRepository, failures: LoginFailureRepository, throttles: ThrottleRepository,
        auditLog: AuditLog, hashing: PasswordHashingPool, keyRing: SigningKeyRing, settings: LoginSettings
    ) {
        self.users = users
        self.sessions = sessions
        self.failures = failures
        self.throttles = throttles
        self.auditLog = auditLog
        self.hashing = hashing
        self.keyRing = keyRing
        self.settings = settings
    }

    /// An account made by an operator or an administrator, who is told when the email is taken.
    public func createAccount(_ input: AccountInput, role: Role, by actor: Actor?, event: AuditEntry.Event, origin: Origin) async throws -> User {
        let account = try Self.validated(input)
        let hash = try await hashing.hash(account.password)
        return try await users.create(
            account.user(role: role, passwordHash: hash),
            audit: AuditEntry(event, actorID: actor?.userID, requestID: origin.requestID, clientAddress: origin.clientAddress, details: ["role": role.rawValue])
        )
    }

    /// 403 when the deployment has closed self-registration (the API's register and the sign-up page).
    public func requireSelfRegistration() throws(AcademyError) {
        guard settings.selfRegistration else {
            throw .forbidden("Self-registration is closed; ask an administrator for an account.")
        }
    }

    /// Self-registration as a student. Its answer is the same whether or not the email already
    /// has an account, after about the same time, so that it cannot be used to learn who studies
    /// here: a taken email costs a wait as long as a hash, not a hash. Sign-ups per client
    /// address are limited before any of that work. Returns the email as stored and compared.
    @discardableResult
    public func register(_ input: AccountInput, origin: Origin) async throws -> String {
        try requireSelfRegistration()
        let account = try Self.validated(input)
        let address = origin.clientAddress ?? "unknown"
        let limit = settings.registrationsPerAddress
        if let wait = try await throttles.retryAfterSeconds(.registration, key: address, limit: limit) {
            throw AcademyError.rateLimited(retryAfterSeconds: wait)
        }
        try await throttles.record(.registration, key: address)
        let audit = AuditEntry(.registered, requestID: origin.requestID, clientAddress: address, details: ["role": Role.student.rawValue])
        if try await users.find(email: account.email) != nil {
            try await hashing.waitAsLongAsAHash()
            try await auditLog.append(AuditEntry(.registrationForTakenEmail, subjectEmail: account.email, requestID: origin.requestID, clientAddress: address))
            return account.email
        }
        do {
            _ = try await users.create(account.user(role: .student, passwordHash: try await hashing.hash(account.password)), audit: audit)
        } catch AcademyError.conflict {
            // Taken by a concurrent sign-up since the check: answered like any taken email.
        }
        return account.email
    }

    private struct ValidAccount {
        let email: String
        let password: String
        let displayName: String
        let locale: String?
        let timezone: String?

        func user(role: Role, passwordHash: String) -> NewUser {
            NewUser(email: email, displayName: displayName, role: role, locale: locale, timezone: timezone, passwordHash: passwordHash)
        }
    }

    private static func validated(_ input: AccountInput) throws -> ValidAccount {
        var validation = FieldValidation()
        let email = validation.check(AccountRules.email(input.email))
        let password = validation.check(AccountRules.password(input.password))
        let displayName = validation.check(AccountRules.displayName(input.displayName))
        let locale = validation.check(input.locale) { AccountRules.locale($0) }
        let timezone = validation.check(input.timezone) { AccountRules.timezone($0) }
        try validation.finish()
        guard let email, let password, let displayName else { throw AcademyError.validationFailed(validation.errors) }
        return ValidAccount(email: email, password: password, displayName: displayName, locale: locale, timezone: timezone)
    }

    /// Signs in. A wrong password, an unknown email and a disabled account get the same answer
    /// after the same work (an unknown email is hashed against a dummy), so the response tells an
    /// attacker nothing. The throttle (`LoginThrottlePolicy`) answers 429 before any hashing.
    public func login(email: String, password: String, origin: Origin) async throws -> SignedIn {
        let email = AccountRules.normalizedEmail(email)
        let address = origin.clientAddress ?? "unknown"
        try await checkThrottle(email: email, clientAddress: address)
        let stored = try await users.credentials(email: email)
        let verification = try await hashing.verify(AccountRules.normalizedPassword(password), against: stored?.passwordHash)
        guard let stored, case .match(let needsRehash) = verification, !stored.user.disabled else {
            try await failures.record(
                email: email, clientAddress: address,
                audit: AuditEntry(.loginFailed, subjectID: stored?.user.id, subjectEmail: String(email.prefix(254)), requestID: origin.requestID, clientAddress: address)
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

    private func checkThrottle(email: String, clientAddress: String) async throws {
        let policy = settings.throttle
        let failures = try await failures.recent(
            email: email, clientAddress: clientAddress, window: policy.perAccountAndAddress.window, limits: policy.limits
        )
        if let wait = policy.retryAfterSeconds(failures, now: Date()) {
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
        let address = origin.clientAddress ?? "unknown"
        try await checkThrottle(email: user.email, clientAddress: address)
        let stored = try await users.passwordHash(id: principal.userID)
        guard case .match = try await hashing.verify(AccountRules.normalizedPassword(current), against: stored) else {
            try await failures.record(
                email: user.email, clientAddress: address,
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
