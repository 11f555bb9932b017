import AcademyCore
package import AcademyServices
import AcademyStore
import Foundation
package import Hummingbird

/// `/auth`: register, sign in, sign out.
struct AuthController {
    let accounts: AccountService
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("auth/register", use: register)
        routes.post("auth/login", use: login)
        routes.group("auth/logout").add(middleware: authentication).post(use: logout)
        return routes
    }

    /// 202 whether or not the email was taken (see `AccountService.register`).
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<RegistrationAccepted> {
        try accounts.requireSelfRegistration()
        let body = try await request.decode(as: RegistrationRequest.self, context: context)
        let email = try await accounts.register(body.account, origin: context.origin(request))
        return EditedResponse(status: .accepted, response: RegistrationAccepted(email: email))
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> LoginResponse {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        let signedIn = try await accounts.login(email: body.email, password: body.password, origin: context.origin(request))
        return LoginResponse(token: signedIn.token, expiresAt: signedIn.expiresAt, user: UserResponse(user: signedIn.user))
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        if let sessionID = principal.sessionID {
            _ = try await accounts.sessions.revoke(
                id: sessionID, ownedBy: principal.userID,
                audit: AuditEntry(.logout, actorID: principal.userID, subjectID: principal.userID, requestID: context.requestID, clientAddress: context.clientAddress)
            )
        }
        return .noContent
    }
}

extension AppRequestContext {
    package func origin(_ request: Request) -> AccountService.Origin {
        .init(requestID: requestID, clientAddress: clientAddress, userAgent: request.headers[.userAgent])
    }
}
