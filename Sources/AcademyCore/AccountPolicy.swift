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

/// Throttling of failed logins: after `maximumFailures` within `window`, further attempts are
/// refused until the oldest of those failures leaves the window.
public struct LoginThrottle: Sendable, Equatable {
    public let maximumFailures: Int
    public let window: Duration

    public init(maximumFailures: Int, window: Duration) {
        self.maximumFailures = maximumFailures
        self.window = window
    }

    /// Seconds to wait, or nil when an attempt is allowed. `recentFailures` holds the newest
    /// failures within the window, newest first, at most `maximumFailures` of them.
    public func retryAfterSeconds(recentFailures: [Date], now: Date) -> Int? {
        guard recentFailures.count >= maximumFailures, let oldest = recentFailures.prefix(maximumFailures).last else {
            return nil
        }
        let windowSeconds = Double(window.components.seconds)
        let freeAt = oldest.addingTimeInterval(windowSeconds)
        guard freeAt > now else { return nil }
        return max(1, Int((freeAt.timeIntervalSince(now)).rounded(.up)))
    }
}
