public import Foundation

/// Who may change which account, decided in one place for the API and the CLI alike.
public enum AccountPolicy {
    /// Only admins manage other people's accounts.
    public static func requireAdmin(_ principal: Principal) throws(AcademyError) {
        guard principal.role == .admin else {
            throw .forbidden("Only administrators manage accounts.")
        }
    }

    /// A change of role or of the disabled flag. Nobody changes their own role or disables
    /// themselves (an admin cannot lock the door from inside), and the academy always keeps at
    /// least one active admin. `activeAdminCount` must be read under a lock on the admin rows.
    public static func checkChange(
        by actor: Actor,
        of target: User,
        role newRole: Role?,
        disabled newDisabled: Bool?,
        activeAdminCount: Int
    ) throws(AcademyError) {
        let changesRole = newRole.map { $0 != target.role } ?? false
        let disables = newDisabled == true && !target.disabled
        if case .user(let principal) = actor {
            try requireAdmin(principal)
            if changesRole, principal.userID == target.id {
                throw .forbidden("You cannot change your own role.")
            }
            if disables, principal.userID == target.id {
                throw .forbidden("You cannot disable your own account.")
            }
        }
        let removesAnActiveAdmin = target.role == .admin && !target.disabled
            && ((changesRole && newRole != .admin) || disables)
        if removesAnActiveAdmin, activeAdminCount <= 1 {
            throw .conflict("\(target.email) is the last active administrator; make another administrator first.")
        }
    }
}

/// A sliding-window limit: after `maximumEvents` within `window`, further attempts are refused
/// until the oldest of those events leaves the window.
public struct RateLimit: Sendable, Equatable {
    public let maximumEvents: Int
    public let window: Duration

    public init(maximumEvents: Int, window: Duration) {
        self.maximumEvents = maximumEvents
        self.window = window
    }

    /// Seconds to wait, or nil when an attempt is allowed. `recent` holds the newest events
    /// within the window, newest first, at most `maximumEvents` of them.
    public func retryAfterSeconds(recent: [Date], now: Date) -> Int? {
        guard recent.count >= maximumEvents, let oldest = recent.prefix(maximumEvents).last else {
            return nil
        }
        return secondsUntil(oldest.addingTimeInterval(Double(window.components.seconds)), now: now)
    }
}

/// Whole seconds from `now` until `moment`, at least 1, or nil when it has passed.
func secondsUntil(_ moment: Date, now: Date) -> Int? {
    guard moment > now else { return nil }
    return max(1, Int(moment.timeIntervalSince(now).rounded(.up)))
}

/// How failed sign-ins are throttled, so that guessing is slow and nobody can lock out someone
/// else (the README states this policy):
/// - one account from one client address: `perAccountAndAddress` failures in the window, then
///   that address waits for the oldest to leave the window (only the guesser is stopped);
/// - one client address, whatever the accounts: `perAddress` failures, then it waits likewise;
/// - one account from anywhere: past `perAccountAndAddress.maximumEvents` failures, a client that
///   has not signed in to it before waits a delay that doubles with each further failure
///   (2 s, 4 s, … at most `longestDelaySeconds`) after the newest one. A client the account
///   signed in from recently is never slowed by failures elsewhere, so the owner gets in.
/// Every check runs before any password hashing.
public struct LoginThrottlePolicy: Sendable, Equatable {
    public let perAccountAndAddress: RateLimit
    public let perAddress: RateLimit
    public let longestDelaySeconds: Int

    public init(perAccountAndAddress: RateLimit, perAddress: RateLimit, longestDelaySeconds: Int = 60) {
        self.perAccountAndAddress = perAccountAndAddress
        self.perAddress = perAddress
        self.longestDelaySeconds = longestDelaySeconds
    }

    /// The failures that bear on one attempt, newest first, each list cut at `limits`.
    public struct Failures: Sendable, Equatable {
        public var accountFromAddress: [Date]
        public var fromAddress: [Date]
        public var account: [Date]
        public var knownClient: Bool

        public init(accountFromAddress: [Date], fromAddress: [Date], account: [Date], knownClient: Bool) {
            self.accountFromAddress = accountFromAddress
            self.fromAddress = fromAddress
            self.account = account
            self.knownClient = knownClient
        }
    }

    /// How many of each kind of failure a decision needs to see.
    public var limits: (accountFromAddress: Int, fromAddress: Int, account: Int) {
        // Past this many account failures the delay is at its longest anyway.
        let doublings = Int.bitWidth - (longestDelaySeconds.leadingZeroBitCount)
        return (perAccountAndAddress.maximumEvents, perAddress.maximumEvents, perAccountAndAddress.maximumEvents + doublings)
    }

    /// Seconds to wait, or nil when the attempt may be checked.
    public func retryAfterSeconds(_ failures: Failures, now: Date) -> Int? {
        [
            perAccountAndAddress.retryAfterSeconds(recent: failures.accountFromAddress, now: now),
            perAddress.retryAfterSeconds(recent: failures.fromAddress, now: now),
            failures.knownClient ? nil : accountDelay(failures.account, now: now),
        ].compactMap { $0 }.max()
    }

    private func accountDelay(_ failures: [Date], now: Date) -> Int? {
        let beyond = failures.count - perAccountAndAddress.maximumEvents
        guard beyond >= 0, let newest = failures.first else { return nil }
        let delay = min(longestDelaySeconds, 1 << min(beyond + 1, 30))
        return secondsUntil(newest.addingTimeInterval(Double(delay)), now: now)
    }
}
