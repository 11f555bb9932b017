import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A user as every endpoint returns one: all fields present (null when unset), never a hash.
struct UserResponse: Encodable, ResponseGenerator {
    let id: String
    let email: String
    let displayName: String
    let role: Role
    @NullEncoded var locale: String?
    @NullEncoded var timezone: String?
    let createdAt: Date
    let disabled: Bool

    init(user: User) {
        id = user.id.apiString
        email = user.email
        displayName = user.displayName
        role = user.role
        locale = user.locale
        timezone = user.timezone
        createdAt = user.createdAt
        disabled = user.disabled
    }

    /// Alone (`GET /me`, on every page load of every client), written directly: JSONEncoder was
    /// 7% of the route's CPU. Inside other bodies it is encoded as usual; a test holds the two equal.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(json)
    }

    var json: String {
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.member("created_at", createdAt)
            json.member("disabled", disabled)
            json.member("display_name", displayName)
            json.member("email", email)
            json.member("id", id)
            json.member("locale", locale)
            json.member("role", role.rawValue)
            json.member("timezone", timezone)
        }
        return json.text
    }
}

struct RegistrationRequest: Decodable {
    let email: String
    let password: String
    let displayName: String
    let locale: String?
    let timezone: String?

    var account: AccountService.AccountInput {
        .init(email: email, password: password, displayName: displayName, locale: locale, timezone: timezone)
    }
}

/// An admin's `POST /users`: a registration plus the role.
struct NewUserRequest: Decodable {
    let registration: RegistrationRequest
    let role: Role

    enum CodingKeys: String, CodingKey {
        case role
    }

    init(from decoder: any Decoder) throws {
        registration = try RegistrationRequest(from: decoder)
        role = try decoder.container(keyedBy: CodingKeys.self).decode(Role.self, forKey: .role)
    }
}

/// The answer to a sign-up, the same whether or not the email already had an account.
struct RegistrationAccepted: ResponseEncodable {
    let email: String
    let detail = "If this email had no account, it has one now. Sign in with it to continue."
}

struct LoginRequest: Decodable {
    let email: String
    let password: String
}

struct LoginResponse: ResponseEncodable {
    let token: String
    let expiresAt: Date
    let user: UserResponse
}

/// `PATCH /me`. A key that is present with `null` clears the field; an absent key leaves it.
/// The document `PATCH /me` merges into: the profile, plus the write-only password fields.
struct ProfileChangeRequest: Codable {
    let displayName: String?
    let locale: String?
    let timezone: String?
    let currentPassword: String?
    let newPassword: String?

    init(editing user: User) {
        displayName = user.displayName
        locale = user.locale
        timezone = user.timezone
        currentPassword = nil
        newPassword = nil
    }
}

/// The document `PATCH /users/{id}` merges into.
struct AccessChangeRequest: Codable {
    let role: Role?
    let disabled: Bool?
    let displayName: String?

    init(editing user: User) {
        role = user.role
        disabled = user.disabled
        displayName = user.displayName
    }
}

struct SessionResponse: Encodable, Sendable {
    let id: String
    let createdAt: Date
    let expiresAt: Date
    @NullEncoded var clientAddress: String?
    @NullEncoded var userAgent: String?
    let current: Bool

    init(_ record: SessionRecord, current: UUID?) {
        id = record.id.apiString
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        clientAddress = record.clientAddress
        userAgent = record.userAgent
        self.current = record.id == current
    }
}
