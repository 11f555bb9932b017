import AcademyAPI
import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Builds the `Visitor` of each page request: the session cookie checked exactly as the API
/// checks a bearer token, the interface language, the form secret.
struct SiteSession: Sendable {
    let authentication: AuthenticationMiddleware
    let accounts: AccountService
    let fallbackLanguage: String

    /// Who sends a form that renders no page (the quiz's autosave, on the exam's hot path): the
    /// session and its form secret only, without the user's row or a language.
    func sender(_ request: Request, context: AppRequestContext) async throws -> (principal: Principal?, csrfSecret: String) {
        guard let token = request.cookies[SiteCookie.session]?.value, !token.isEmpty,
              let principal = try await authentication.principal(for: token, logger: context.logger)
        else { return (nil, "") }
        return (principal, token)
    }

    func visitor(_ request: Request, context: AppRequestContext) async throws -> Visitor {
        let cookies = request.cookies
        var principal: Principal?
        var displayName: String?
        var timeZone = TimeZone(identifier: "UTC")!
        var newCookies: [Cookie] = []
        let secure = context.reachedOverTLS
        var csrfSecret: String?
        if let token = cookies[SiteCookie.session]?.value, !token.isEmpty {
            if let signedIn = try await authentication.principal(for: token, logger: context.logger),
               let user = try await accounts.users.find(id: signedIn.userID), !user.disabled {
                principal = signedIn
                displayName = user.displayName
                timeZone = user.timezone.flatMap(TimeZone.init(identifier:)) ?? timeZone
                csrfSecret = token
            } else {
                newCookies.append(SiteCookie.expired(SiteCookie.session, secure: secure))
            }
        }
        if csrfSecret == nil {
            if let nonce = cookies[SiteCookie.visitor]?.value, SiteCookie.isWellFormedNonce(nonce) {
                csrfSecret = nonce
            } else {
                let nonce = Base64URL.encode(SecureRandom.bytes(count: 24))
                newCookies.append(SiteCookie.visitor(nonce, secure: secure))
                csrfSecret = nonce
            }
        }
        let language = Languages.negotiate(
            query: cookies[SiteCookie.language]?.value,
            acceptLanguage: request.headers[.acceptLanguage],
            userLocale: principal?.locale,
            available: SiteResources.interfaceLanguages,
            fallback: fallbackLanguage
        )
        var path = request.uri.path
        if let query = request.uri.query, !query.isEmpty { path += "?" + query }
        return Visitor(
            principal: principal, displayName: displayName, language: language, timeZone: timeZone, csrfSecret: csrfSecret ?? "",
            newCookies: newCookies, secure: secure, path: LocalPath.sanitized(path)
        )
    }
}

/// A submitted form: the body read within a small limit, decoded, and its CSRF token checked
/// before anything else happens. A cross-site submission is refused even before the token.
enum SiteForm {
    static let maximumBytes = 64 * 1024

    static func read<Form: Decodable & CSRFProtected>(_ type: Form.Type, from request: Request, secret: String) async throws -> Form {
        let body = try await checkedBody(of: request)
        let form: Form
        do {
            form = try URLEncodedFormDecoder().decode(Form.self, from: body)
        } catch {
            throw SiteError.formExpired
        }
        try requireToken(form.csrf, secret: secret)
        return form
    }

    /// A form whose fields repeat (checkboxes) or are named at run time (one per question).
    static func fields(from request: Request, secret: String) async throws -> FormFields {
        let fields = try FormFields(try await checkedBody(of: request))
        try requireToken(fields.first("csrf") ?? "", secret: secret)
        return fields
    }

    private static func checkedBody(of request: Request) async throws -> String {
        if request.headers[.init("Sec-Fetch-Site")!] == "cross-site" {
            throw SiteError.formExpired
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw AcademyError.unsupportedMediaType(expected: "application/x-www-form-urlencoded")
        }
        return String(buffer: try await request.body.collect(upTo: maximumBytes))
    }

    private static func requireToken(_ token: String, secret: String) throws {
        guard !secret.isEmpty, CSRFToken.isValid(token, for: secret) else {
            throw SiteError.formExpired
        }
    }
}

/// `application/x-www-form-urlencoded` fields with repeats kept.
struct FormFields: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ body: String) throws {
        for pair in body.split(separator: "&").prefix(2_000) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decoded(parts[0]) else { throw AcademyError.malformedRequest("The form is not URL-encoded.") }
            let value = parts.count > 1 ? Self.decoded(parts[1]) : ""
            guard let value else { throw AcademyError.malformedRequest("The form is not URL-encoded.") }
            values[name, default: []].append(value)
        }
    }

    func first(_ name: String) -> String? { values[name]?.first }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    private static func decoded(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

protocol CSRFProtected {
    var csrf: String { get }
}

/// What only the web pages can go wrong with.
enum SiteError: Error {
    /// The form's token does not belong to this browser's session (expired page, another site).
    case formExpired
}
