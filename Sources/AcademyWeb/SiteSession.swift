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
    /// The academy's content languages, which the content switch may choose.
    let contentLanguages: [String]

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
        let secure = context.reachedOverTLS
        var newCookies: [Cookie] = []
        // The session check refuses disabled users (`SessionRepository.active`); the row is read
        // for the name and time zone the page shows.
        if let token = cookies[SiteCookie.session]?.value, !token.isEmpty {
            if let principal = try await authentication.principal(for: token, logger: context.logger),
               let user = try await accounts.users.find(id: principal.userID) {
                return Visitor(
                    principal: principal, displayName: user.displayName, language: language(of: request, userLocale: principal.locale),
                    contentLanguage: contentLanguage(of: request), timeZone: user.timezone.flatMap(TimeZone.init(identifier:)) ?? Self.utc, csrfSecret: token,
                    newCookies: [], secure: secure, path: Self.path(of: request)
                )
            }
            newCookies.append(SiteCookie.expired(SiteCookie.session, secure: secure))
        }
        let nonce: String
        if let kept = cookies[SiteCookie.visitor]?.value, SiteCookie.isWellFormedNonce(kept) {
            nonce = kept
        } else {
            nonce = Base64URL.encode(SecureRandom.bytes(count: 24))
            newCookies.append(SiteCookie.visitor(nonce, secure: secure))
        }
        return Visitor(
            principal: nil, displayName: nil, language: language(of: request, userLocale: nil), contentLanguage: contentLanguage(of: request),
            timeZone: Self.utc, csrfSecret: nonce, newCookies: newCookies, secure: secure, path: Self.path(of: request)
        )
    }

    /// The visitor as far as the request alone tells, without the database (which may be what
    /// failed, on an error page): the language, no session, no form secret.
    func anonymousVisitor(_ request: Request, context: AppRequestContext) -> Visitor {
        Visitor(
            principal: nil, displayName: nil, language: language(of: request, userLocale: nil), contentLanguage: contentLanguage(of: request),
            timeZone: Self.utc, csrfSecret: "", newCookies: [], secure: context.reachedOverTLS, path: Self.path(of: request)
        )
    }

    /// The interface language: the switch's cookie, `Accept-Language`, the account's locale, the
    /// academy's first language that has an interface.
    private func language(of request: Request, userLocale: String?) -> String {
        Languages.negotiate(
            query: request.cookies[SiteCookie.language]?.value,
            acceptLanguage: request.headers[.acceptLanguage],
            userLocale: userLocale,
            available: SiteResources.interfaceLanguages,
            fallback: fallbackLanguage
        )
    }

    private func contentLanguage(of request: Request) -> String? {
        request.cookies[SiteCookie.content].map(\.value).flatMap { contentLanguages.contains($0) ? $0 : nil }
    }

    /// The page's own path and query, for the language switch and sign-in to come back to.
    private static func path(of request: Request) -> String {
        var path = request.uri.path
        if let query = request.uri.query, !query.isEmpty { path += "?" + query }
        return LocalPath.sanitized(path)
    }

    private static let utc = TimeZone(identifier: "UTC")!
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

    /// A form that carries nothing but its token (a button: sign out, mark done, start).
    static func requireToken(in request: Request, secret: String) async throws {
        _ = try await fields(from: request, secret: secret)
    }

    /// A form whose fields repeat (checkboxes) or are named at run time (one per question).
    /// `maximumBytes`: a lesson's texts may be as large as the API takes them as JSON; a whole
    /// quiz's form has many fields.
    static func fields(
        from request: Request, secret: String, maximumBytes: Int = maximumBytes, maximumFields: Int = 2_000
    ) async throws -> FormFields {
        let fields = try FormFields(try await checkedBody(of: request, maximumBytes: maximumBytes), maximumFields: maximumFields)
        try requireToken(fields.first("csrf") ?? "", secret: secret)
        return fields
    }

    /// A form that uploads files (`multipart/form-data`): refused cross-site at once; its token,
    /// sent before its files, is checked by the returned `admit` before any file byte is kept.
    static func fileUpload(_ request: Request, secret: String) throws -> @Sendable ([String: String]) throws -> Void {
        try refuseCrossSite(request)
        guard request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true else {
            throw AcademyError.unsupportedMediaType(expected: "multipart/form-data")
        }
        return { fields in try requireToken(fields["csrf"] ?? "", secret: secret) }
    }

    private static func checkedBody(of request: Request, maximumBytes: Int = maximumBytes) async throws -> String {
        try refuseCrossSite(request)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw AcademyError.unsupportedMediaType(expected: "application/x-www-form-urlencoded")
        }
        return String(buffer: try await request.body.collect(upTo: maximumBytes))
    }

    private static func refuseCrossSite(_ request: Request) throws {
        if request.headers[.init("Sec-Fetch-Site")!] == "cross-site" {
            throw SiteError.formExpired
        }
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

    /// More than `maximumFields` fields is refused, never cut short.
    init(_ body: String, maximumFields: Int = 2_000) throws {
        let pairs = body.split(separator: "&", maxSplits: maximumFields)
        guard pairs.count <= maximumFields else {
            throw AcademyError.malformedRequest("The form has more than \(maximumFields) fields.")
        }
        for pair in pairs {
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
