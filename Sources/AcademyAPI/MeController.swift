import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// `/me`: the signed-in user's own profile, password and sessions.
struct MeController {
    let accounts: AccountService
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.get("me", use: show)
        routes.patch("me", use: update)
        routes.get("me/sessions", use: sessions)
        routes.delete("me/sessions/:id", use: revokeSession)
        return routes
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        let principal = try context.requirePrincipal()
        guard let user = try await accounts.users.find(id: principal.userID) else { throw AcademyError.unauthenticated }
        return UserResponse(user: user)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        let principal = try context.requirePrincipal()
        guard let user = try await accounts.users.find(id: principal.userID) else { throw AcademyError.unauthenticated }
        let (body, displayName, locale, timezone) = try await request.mergePatch(ProfileChangeRequest.self, over: ProfileChangeRequest(editing: user), context: context) { body in
            var validation = FieldValidation()
            let displayName = validation.check(validation.require(body.displayName, "display_name")) { AccountRules.displayName($0) }
            let locale = validation.check(body.locale) { AccountRules.locale($0) }
            let timezone = validation.check(body.timezone) { AccountRules.timezone($0) }
            _ = validation.check(body.newPassword) { AccountRules.password($0, field: "new_password") }
            if body.currentPassword == "" { validation.add(FieldError(field: "current_password", message: "must not be empty")) }
            switch (body.currentPassword, body.newPassword) {
            case (nil, .some):
                validation.add(FieldError(field: "current_password", message: "is required to set a new password"))
            case (.some, nil):
                validation.add(FieldError(field: "new_password", message: "is required with current_password"))
            default:
                break
            }
            try validation.finish()
            return (body, displayName, locale, timezone)
        }
        if let current = body.currentPassword, let new = body.newPassword {
            try await accounts.changePassword(of: principal, current: current, new: new, origin: context.origin(request))
        }
        return UserResponse(user: try await accounts.users.updateProfile(
            id: principal.userID, displayName: displayName, locale: .some(locale), timezone: .some(timezone)
        ))
    }

    @Sendable func sessions(_ request: Request, context: AppRequestContext) async throws -> PageResponse<SessionResponse> {
        let principal = try context.requirePrincipal()
        let records = try await accounts.sessions.listActive(userID: principal.userID)
        return PageResponse(items: records.map { SessionResponse($0, current: principal.sessionID) }, nextCursor: nil)
    }

    @Sendable func revokeSession(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.uuid("id")
        let revoked = try await accounts.sessions.revoke(
            id: id, ownedBy: principal.userID,
            audit: AuditEntry(.sessionRevoked, actorID: principal.userID, subjectID: principal.userID, requestID: context.requestID, clientAddress: context.clientAddress, details: ["session_id": id.apiString])
        )
        guard revoked else { throw AcademyError.notFound("You have no active session with this id.") }
        return .noContent
    }
}
