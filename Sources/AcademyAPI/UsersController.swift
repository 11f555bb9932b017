import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// `/users`: account administration, for admins only.
struct UsersController {
    let accounts: AccountService
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("users", use: create)
        routes.get("users", use: list)
        routes.get("users/:id", use: show)
        routes.patch("users/:id", use: update)
        return routes
    }

    private func admin(_ context: AppRequestContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        try AccountPolicy.requireAdmin(principal)
        return principal
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<UserResponse> {
        let principal = try admin(context)
        let body = try await request.decode(as: NewUserRequest.self, context: context)
        let user = try await accounts.createAccount(
            body.registration.account, role: body.role, by: .user(principal), event: .userCreated, origin: context.origin(request)
        )
        return EditedResponse(status: .created, response: UserResponse(user: user))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<UserResponse> {
        _ = try admin(context)
        let query = request.uri.queryParameters
        let page = try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        var role: Role?
        if let raw = query.get("role") {
            guard let parsed = Role(rawValue: raw) else {
                throw AcademyError.malformedRequest("role must be admin, instructor or student.")
            }
            role = parsed
        }
        let search = try query.searchText("q")
        let result = try await accounts.users.list(matching: search, role: role, page: page)
        return PageResponse(items: result.items.map(UserResponse.init), nextCursor: result.nextCursor)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        _ = try admin(context)
        guard let user = try await accounts.users.find(id: try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such user.")
        }
        return UserResponse(user: user)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> UserResponse {
        let principal = try admin(context)
        let id = try context.parameters.uuid("id")
        guard let user = try await accounts.users.find(id: id) else { throw AcademyError.notFound("No account has the id \(id.apiString).") }
        let (body, displayName) = try await request.mergePatch(AccessChangeRequest.self, over: AccessChangeRequest(editing: user), context: context) { body in
            var validation = FieldValidation()
            validation.require(body.role, "role")
            validation.require(body.disabled, "disabled")
            let displayName = validation.check(validation.require(body.displayName, "display_name")) { AccountRules.displayName($0) }
            try validation.finish()
            return (body, displayName)
        }
        return UserResponse(user: try await accounts.users.changeAccess(
            of: id, by: .user(principal), role: body.role, disabled: body.disabled, displayName: displayName,
            audit: AuditEntry(.roleChanged, requestID: context.requestID, clientAddress: context.clientAddress)
        ))
    }
}
