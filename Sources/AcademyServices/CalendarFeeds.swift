public import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Foundation

/// Each user's iCalendar feed of the live sessions and dated quizzes of their courses, and the
/// secret address calendar apps read it from (they cannot send a bearer token). Only the
/// secret's SHA-256 is stored; making a new one retires the old address.
public struct CalendarFeeds: Sendable {
    let calendars: CalendarRepository
    public let users: UserRepository

    public init(calendars: CalendarRepository, users: UserRepository) {
        self.calendars = calendars
        self.users = users
    }

    /// 32 random bytes, base64url: 43 characters.
    static let secretLength = 43

    public func newSecret(for userID: UUID) async throws -> (secret: String, createdAt: Date) {
        let secret = Base64URL.encode(SecureRandom.bytes(count: 32))
        return (secret, try await calendars.replaceSecret(of: userID, sha256: SHA256Digest.hex(of: Array(secret.utf8))))
    }

    public func removeSecret(of userID: UUID) async throws {
        try await calendars.removeSecret(of: userID)
    }

    public func secretCreated(for userID: UUID) async throws -> Date? {
        try await calendars.secretCreated(for: userID)
    }

    /// The active user whose feed address holds `secret`; anything not shaped like a secret is
    /// refused before the database is asked.
    public func user(forSecret secret: String) async throws -> User? {
        guard secret.utf8.count == Self.secretLength, Base64URL.decode(secret) != nil else { return nil }
        return try await calendars.user(bySecretSHA256: SHA256Digest.hex(of: Array(secret.utf8)))
    }

    /// The feed, each title in `language` when the item has it (else the user's locale, else the
    /// course's default language), each event linking to its page under `origin` (the address the
    /// calendar app reached: the page shows a session's link when it is time). An item keeps its
    /// UID for good; its SEQUENCE rises with every change, so calendar apps update the event
    /// instead of adding one.
    public func feed(for user: User, language: String?, origin: String, now: Date = Date()) async throws -> String {
        let events = try await calendars.entries(for: user.id).map { entry in
            let chosen = Languages.negotiate(
                query: language, acceptLanguage: nil, userLocale: user.locale, available: entry.titles.keys.sorted(), fallback: entry.courseDefaultLanguage
            )
            let title = Languages.text(entry.titles, in: chosen, fallback: entry.courseDefaultLanguage) ?? entry.courseSlug
            let course = Languages.text(entry.courseTitles, in: chosen, fallback: entry.courseDefaultLanguage) ?? entry.courseSlug
            let uid = "\(entry.itemID.apiString)@holy-knowledge-academy"
            switch entry.schedule {
            case .session(let startsAt, let duration, let cancelled):
                return ICalendar.Event(
                    uid: uid, sequence: entry.sequence, start: startsAt, end: startsAt.addingTimeInterval(TimeInterval(duration * 60)),
                    summary: title, description: course, url: "\(origin)/live-sessions/\(entry.itemID.apiString)", cancelled: cancelled,
                    modified: entry.updatedAt
                )
            case .quiz(let opensAt, let closesAt):
                return ICalendar.Event(
                    uid: uid, sequence: entry.sequence, start: opensAt ?? closesAt ?? now, end: opensAt == nil ? nil : closesAt,
                    summary: title, description: course, url: "\(origin)/quizzes/\(entry.itemID.apiString)", cancelled: false,
                    modified: entry.updatedAt
                )
            }
        }
        return ICalendar(name: "Holy Knowledge Academy: \(user.displayName)", events: events).text(stamp: now)
    }
}
