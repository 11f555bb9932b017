import AcademyAPI
import AcademyCore
import Foundation
import Hummingbird

/// Every error of a page becomes a readable page in the visitor's language (never JSON, never
/// internals), mapped by the API's one mapping (`ProblemMapping.problem`); a page that needs a
/// session sends the visitor to sign in and back.
struct SiteErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let renderer: PageRenderer
    let session: SiteSession

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return page(for: error, request: request, context: context)
        }
    }

    func page(for error: any Error, request: Request, context: Context) -> Response {
        let visitor = session.anonymousVisitor(request, context: context)
        let strings = renderer.strings(visitor.language)
        var status: Int
        var message: String
        var detail: String
        var headers: HTTPFields = [:]
        switch error {
        case SiteError.formExpired:
            status = 403
            message = strings["form_expired"] ?? ""
            detail = "The form's token does not belong to this browser's session."
        case AcademyError.unauthenticated:
            return PageRenderer.redirect(to: "/sign-in?next=" + Self.queryEscaped(visitor.path))
        default:
            let problem = ProblemMapping.problem(for: error, request: request, context: context)
            status = problem.status
            message = strings["error_\(problem.status)"] ?? strings["error_500"] ?? ""
            detail = problem.detail
            headers = problem.headers
        }
        let page = ErrorPage(heading: strings["error_title"] ?? "", message: message, detail: detail, requestID: context.requestID)
        var response = renderer.render(
            "error", title: page.heading, page: page, visitor: visitor, request: request, status: HTTPResponse.Status(code: status)
        )
        for field in headers {
            response.headers.append(field)
        }
        return response
    }

    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-._~"))) ?? "/"
    }
}

struct ErrorPage {
    let heading: String
    let message: String
    let detail: String
    let requestID: String
}

/// A path no route answers, or a page asked with a method it does not take: a browser asking for a
/// page (not the API, the service documents or an asset) gets the error page in its language; any
/// other client the API's problem.
struct SiteNotFoundMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: SiteErrorMiddleware

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && Self.asksForAPage(request) {
            return pages.page(for: error, request: request, context: context)
        } catch let error as AcademyError where Self.asksForAPage(request) {
            guard case .methodNotAllowed = error else { throw error }
            return pages.page(for: error, request: request, context: context)
        }
    }

    static func asksForAPage(_ request: Request) -> Bool {
        let path = request.uri.path
        guard !["/api/", "/health/", "/metrics", "/openapi.yaml", "/assets/"].contains(where: path.hasPrefix) else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }
}
