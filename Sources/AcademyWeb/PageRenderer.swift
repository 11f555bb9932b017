import AcademyAPI
import AcademyCore
import AcademyCrypto
import Foundation
import Hummingbird
import NIOCore
import Mustache
import HTTPTypes

/// Renders a page into a response: the layout's frame around the page's own values, with the
/// headers every page carries (no inline script, no framing, not cached, gzipped when asked).
struct PageRenderer: Sendable {
    let resources: SiteResources
    /// The academy's content languages, for the content switch.
    let contentLanguages: [String]

    /// Every page: scripts and styles only from files of this site, nothing inline, no plugins,
    /// no framing, forms only to this site.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "media-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func strings(_ language: String) -> [String: String] {
        resources.strings[language] ?? resources.strings["en"] ?? [:]
    }

    /// A language's name in that language (every content language has an interface).
    func languageName(_ code: String) -> String {
        resources.strings[code]?["language_name"] ?? code
    }

    func render(
        _ template: String, title: String, page: Any, visitor: Visitor, request: Request, status: HTTPResponse.Status = .ok
    ) -> Response {
        let strings = strings(visitor.language)
        let frame = Frame(
            lang: visitor.language, dir: visitor.direction, t: strings, stylesheet: resources.stylesheetPath, script: resources.scriptPath,
            user: visitor.displayName.map { SignedInUser(name: $0) },
            teaches: (visitor.principal?.role ?? .student) >= .instructor,
            csrf: CSRFToken.issue(for: visitor.csrfSecret),
            languages: SiteResources.interfaceLanguages.map { code in
                LanguageOption(code: code, name: languageName(code), selected: code == visitor.language)
            },
            contentLanguages: contentLanguages.map { code in
                LanguageOption(code: code, name: languageName(code), selected: code == visitor.contentLanguage)
            },
            contentFollowsInterface: visitor.contentLanguage == nil,
            path: visitor.path
        )
        let html = resources.templates.render(["frame": frame, "page": page, "title": title], withTemplate: template) ?? ""
        var response = Self.html(html, status: status, language: visitor.language, request: request)
        for cookie in visitor.newCookies {
            response.setCookie(cookie)
        }
        return response
    }

    static func html(_ html: String, status: HTTPResponse.Status, language: String, request: Request) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentLanguage: language,
            .cacheControl: "no-store",
            .vary: "Accept-Encoding, Accept-Language, Cookie",
            .contentSecurityPolicy: contentSecurityPolicy,
            .referrerPolicyName: "same-origin",
        ]
        var body = ByteBuffer(string: html)
        if Compression.acceptsGzip(request.headers[.acceptEncoding]), let gzipped = try? Compression.gzip(body) {
            headers[.contentEncoding] = "gzip"
            body = gzipped
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies {
            response.setCookie(cookie)
        }
        return response
    }
}

/// The layout's values: language and direction, interface strings, who is signed in, the form
/// token, the language switch.
struct Frame {
    let lang: String
    let dir: String
    let t: [String: String]
    let stylesheet: String
    let script: String
    let user: SignedInUser?
    /// Instructors and admins: the header links to their courses' rosters.
    let teaches: Bool
    let csrf: String
    let languages: [LanguageOption]
    /// The content switch: a language apart from the interface's, or the same.
    let contentLanguages: [LanguageOption]
    let contentFollowsInterface: Bool
    let path: String
}

struct SignedInUser {
    let name: String
}

struct LanguageOption {
    let code: String
    let name: String
    let selected: Bool
}

extension HTTPField.Name {
    static let referrerPolicyName = Self("Referrer-Policy")!
}
