import AcademyAPI
import AcademyCore
import AcademyCrypto
import Foundation
import Hummingbird

/// Who is looking at a page, in which interface language, and the secret their forms are bound
/// to: the session token once signed in, a random visitor nonce before.
struct Visitor: Sendable {
    let principal: Principal?
    let displayName: String?
    let language: String
    /// The language chosen for courses' content apart from the interface's (nil: the same).
    let contentLanguage: String?
    /// The signed-in user's time zone (UTC otherwise): every date on a page is shown in it.
    let timeZone: TimeZone
    let csrfSecret: String
    /// Cookies the response must set (a first visit's nonce).
    let newCookies: [Cookie]
    let secure: Bool
    /// The page's own path with its query, for the language switch to come back to.
    let path: String

    var direction: String { Languages.direction(of: language).rawValue }

    /// The language content is shown in when it has that translation.
    var readingLanguage: String { contentLanguage ?? language }

    /// A date as the visitor reads it: their language's format, their time zone.
    func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language)
        formatter.timeZone = timeZone
        formatter.dateStyle = .medium
        formatter.timeStyle = .short
        return formatter.string(from: date)
    }
}

/// The cookies of the web pages. The session cookie holds the same signed session token the API
/// takes as a bearer token, so one revocation ends both.
enum SiteCookie {
    static let session = "academy_session"
    static let visitor = "academy_visitor"
    static let language = "academy_lang"
    static let content = "academy_content"

    static func session(_ token: String, expiresAt: Date, secure: Bool) -> Cookie {
        Cookie(
            name: session, value: token, maxAge: max(0, Int(expiresAt.timeIntervalSinceNow)), path: "/",
            secure: secure, httpOnly: true, sameSite: .lax
        )
    }

    static func visitor(_ nonce: String, secure: Bool) -> Cookie {
        Cookie(name: visitor, value: nonce, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The interface's language (`academy_lang`) or the content's (`academy_content`), kept a year.
    static func language(_ code: String, cookie name: String = language, secure: Bool) -> Cookie {
        Cookie(name: name, value: code, maxAge: 365 * 24 * 3600, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func expired(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// A nonce is 32 base64url characters; anything else in the cookie is replaced.
    static func isWellFormedNonce(_ value: String) -> Bool {
        value.utf8.count == 32 && value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}

/// A path inside this site to return to after signing in or switching language; anything that
/// could lead elsewhere (`//host`, `/\host`, a scheme, control characters) becomes `/`.
enum LocalPath {
    static func sanitized(_ candidate: String?, fallback: String = "/") -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
              candidate.utf8.count <= 2000,
              candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return fallback }
        return candidate
    }
}
