import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Signing up, in and out, and the language switch.
struct AccountPages {
    let session: SiteSession
    let renderer: PageRenderer
    let accounts: AccountService

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("sign-in", use: signInPage)
        routes.post("sign-in", use: signIn)
        routes.get("sign-up", use: signUpPage)
        routes.post("sign-up", use: signUp)
        routes.post("sign-out", use: signOut)
        routes.get("language", use: chooseLanguage)
    }

    struct SignInPage {
        var email = ""
        var next = "/my/courses"
        var notice: String?
        var problem: String?
    }

    struct SignInForm: Decodable, CSRFProtected {
        let csrf: String
        let email: String
        let password: String
        let next: String?
    }

    @Sendable func signInPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let query = request.uri.queryParameters
        var page = SignInPage(next: LocalPath.sanitized(query.get("next"), fallback: "/my/courses"))
        if query.get("registered") != nil {
            page.notice = renderer.strings(visitor.language)["sign_up_done"]
            page.email = query.get("email") ?? ""
        }
        return renderer.render("sign-in", title: renderer.strings(visitor.language)["sign_in_title"] ?? "", page: page, visitor: visitor, request: request)
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let form = try await SiteForm.read(SignInForm.self, from: request, secret: visitor.csrfSecret)
        let next = LocalPath.sanitized(form.next, fallback: "/my/courses")
        do {
            let signedIn = try await accounts.login(email: form.email, password: form.password, origin: context.origin(request))
            return PageRenderer.redirect(to: next, cookies: [SiteCookie.session(signedIn.token, expiresAt: signedIn.expiresAt, secure: visitor.secure)])
        } catch AcademyError.invalidCredentials {
            let strings = renderer.strings(visitor.language)
            let page = SignInPage(email: form.email, next: next, problem: strings["sign_in_failed"])
            return renderer.render("sign-in", title: strings["sign_in_title"] ?? "", page: page, visitor: visitor, request: request, status: .unauthorized)
        }
    }

    struct SignUpPage {
        var name = ""
        var email = ""
        var problem: String?
    }

    struct SignUpForm: Decodable, CSRFProtected {
        let csrf: String
        let name: String
        let email: String
        let password: String
    }

    @Sendable func signUpPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try accounts.requireSelfRegistration()
        let visitor = try await session.visitor(request, context: context)
        return renderer.render("sign-up", title: renderer.strings(visitor.language)["sign_up_title"] ?? "", page: SignUpPage(), visitor: visitor, request: request)
    }

    /// Registers as the API does (the same answer whether or not the email was taken), then
    /// signs in with the same password: a new account lands signed in, and a taken email shows
    /// the sign-in page, which says nothing about whose the email is.
    @Sendable func signUp(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let form = try await SiteForm.read(SignUpForm.self, from: request, secret: visitor.csrfSecret)
        let input = AccountService.AccountInput(email: form.email, password: form.password, displayName: form.name, locale: visitor.language, timezone: nil)
        let email: String
        do {
            email = try await accounts.register(input, origin: context.origin(request))
        } catch AcademyError.validationFailed(let errors) {
            let strings = renderer.strings(visitor.language)
            let problem = ([strings["error_422"] ?? ""] + errors.map { "\($0.field) \($0.message)." }).joined(separator: " ")
            let page = SignUpPage(name: form.name, email: form.email, problem: problem)
            return renderer.render("sign-up", title: strings["sign_up_title"] ?? "", page: page, visitor: visitor, request: request, status: .unprocessableContent)
        }
        do {
            let signedIn = try await accounts.login(email: email, password: form.password, origin: context.origin(request))
            return PageRenderer.redirect(to: "/my/courses", cookies: [SiteCookie.session(signedIn.token, expiresAt: signedIn.expiresAt, secure: visitor.secure)])
        } catch AcademyError.invalidCredentials {
            return PageRenderer.redirect(to: "/sign-in?registered=1&email=" + SiteErrorMiddleware.queryEscaped(email))
        }
    }

    /// Revokes the session everywhere (the API's tokens of this session stop working too).
    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        if let principal = visitor.principal, let sessionID = principal.sessionID {
            _ = try await accounts.sessions.revoke(
                id: sessionID, ownedBy: principal.userID,
                audit: AuditEntry(.logout, actorID: principal.userID, subjectID: principal.userID, requestID: context.requestID, clientAddress: context.clientAddress)
            )
        }
        return PageRenderer.redirect(to: "/", cookies: [SiteCookie.expired(SiteCookie.session, secure: visitor.secure)])
    }

    /// Remembers the interface language, and the content's when chosen apart ("" for the same as
    /// the interface), in cookies, and goes back to the page they were chosen on.
    @Sendable func chooseLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let back = LocalPath.sanitized(query.get("back"))
        let secure = context.reachedOverTLS
        var cookies: [Cookie] = []
        if let code = query.get("lang"), SiteResources.interfaceLanguages.contains(code) {
            cookies.append(SiteCookie.language(code, secure: secure))
        }
        if let content = query.get("content") {
            if session.contentLanguages.contains(content) {
                cookies.append(SiteCookie.language(content, cookie: SiteCookie.content, secure: secure))
            } else if content.isEmpty {
                cookies.append(SiteCookie.expired(SiteCookie.content, secure: secure))
            }
        }
        return PageRenderer.redirect(to: back, cookies: cookies)
    }
}
