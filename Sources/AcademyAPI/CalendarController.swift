import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
package import Hummingbird

/// `/me/calendar.ics`: the signed-in user's iCalendar feed (RFC 5545) of their courses' live
/// sessions and dated quizzes, read with a bearer token or, by calendar apps, with the secret of
/// the address `POST /me/calendar/address` makes (and makes anew, retiring the old one).
package struct CalendarController {
    let calendars: CalendarFeeds
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.group().add(middleware: authentication.optional).get("me/calendar.ics", use: feed)
        let mine = routes.group("me/calendar").add(middleware: authentication)
        mine.get("address", use: address)
        mine.post("address", use: makeAddress)
        mine.delete("address", use: removeAddress)
        return routes
    }

    /// Calendar apps send no credentials: `?token=` is the secret of the user's address. A
    /// missing, malformed or retired secret is one answer (401), so none can be told apart.
    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user: User
        if let secret = request.uri.queryParameters.get("token") {
            guard let found = try await calendars.user(forSecret: String(secret)) else {
                throw AcademyError.unauthenticated
            }
            user = found
        } else {
            let principal = try context.requirePrincipal()
            guard let found = try await calendars.users.find(id: principal.userID) else { throw AcademyError.unauthenticated }
            user = found
        }
        let text = try await calendars.feed(
            for: user, language: request.uri.queryParameters.get("lang").map { String($0) }, origin: context.origin(of: request)
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, no-store", .contentDisposition: "inline; filename=\"academy.ics\""],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    @Sendable func address(_ request: Request, context: AppRequestContext) async throws -> CalendarAddressResponse {
        let created = try await calendars.secretCreated(for: try context.requirePrincipal().userID)
        return CalendarAddressResponse(exists: created != nil, createdAt: created, url: nil)
    }

    /// A new secret address, shown this once (only its hash is kept); the old one stops working.
    @Sendable func makeAddress(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CalendarAddressResponse> {
        let principal = try context.requirePrincipal()
        let (secret, created) = try await calendars.newSecret(for: principal.userID)
        let url = Self.address(origin: context.origin(of: request), secret: secret)
        return EditedResponse(status: .created, headers: [.cacheControl: "no-store"], response: CalendarAddressResponse(exists: true, createdAt: created, url: url))
    }

    @Sendable func removeAddress(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await calendars.removeSecret(of: try context.requirePrincipal().userID)
        return .noContent
    }

    /// The feed's address holding `secret`: what a calendar app subscribes to.
    package static func address(origin: String, secret: String) -> String {
        "\(origin)/api/v1/me/calendar.ics?token=\(secret)"
    }
}

struct CalendarAddressResponse: ResponseEncodable {
    let exists: Bool
    @NullEncoded var createdAt: Date?
    /// Only in the answer that made it.
    @NullEncoded var url: String?
}
