package import AcademyCore
import AcademyCrypto
public import AcademyServices
public import AcademyStore
import Foundation
package import Logging
public import Hummingbird

/// Requires `Authorization: Bearer <token>` on the routes it guards (or, made `optional`, reads
/// it when present, for public routes that show more to signed-in users; a bad token is still
/// 401). The token's form, signature and expiry are checked in memory first, so a forged token
/// never reaches the database; then the session row decides (revoked? expired? user disabled? key
/// retired?), on every request, so a logout or a disable takes effect on every instance at once.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let keyRing: SigningKeyRing
    let sessions: SessionRepository
    let isOptional: Bool

    public init(keyRing: SigningKeyRing, sessions: SessionRepository, optional: Bool = false) {
        self.keyRing = keyRing
        self.sessions = sessions
        self.isOptional = optional
    }

    /// The same check, for routes anonymous callers may use too.
    public var optional: AuthenticationMiddleware {
        AuthenticationMiddleware(keyRing: keyRing, sessions: sessions, optional: true)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if isOptional, request.headers.value(of: .authorization) == nil {
            return try await next(request, context)
        }
        guard let check = try await BearerCheck.of(request, context: context, keyRing: keyRing),
              let principal = try await principal(for: check.result, logger: context.logger)
        else {
            throw AcademyError.unauthenticated
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user_id"] = .string(principal.userID.apiString)
        return try await next(request, context)
    }

    /// Who a session token speaks for, or nil when it is refused (form, signature, expiry, then
    /// the session row). The one check behind the API's bearer tokens and the web's cookie.
    package func principal(for token: String, logger: Logger) async throws -> Principal? {
        try await principal(for: keyRing.verify(token), logger: logger)
    }

    private func principal(for verification: Result<SessionTokenClaims, SessionTokenRejection>, logger: Logger) async throws -> Principal? {
        let claims: SessionTokenClaims
        switch verification {
        case .success(let verified):
            claims = verified
        case .failure(let rejection):
            logger.debug("Token refused", metadata: ["reason": "\(rejection)"])
            return nil
        }
        guard let session = try await sessions.active(id: claims.sessionID) else {
            logger.debug("Token refused", metadata: ["reason": "session not active"])
            return nil
        }
        return Principal(userID: session.userID, role: session.role, sessionID: session.sessionID, locale: session.locale)
    }

    /// The token of `Bearer <token>` (scheme in any case, spaces around the token ignored).
    /// Plain Swift over the header's bytes: it runs on every authenticated request and every forgery.
    static func bearerToken(_ header: String?) -> String? {
        guard let bytes = header?.utf8 else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let schemeStart = bytes.firstIndex(where: { !isBlank($0) }),
              let schemeEnd = bytes[schemeStart...].firstIndex(where: isBlank),
              // ASCII letters only: `| 0x20` lowercases a letter and maps nothing else onto one.
              bytes[schemeStart..<schemeEnd].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }),
              let tokenStart = bytes[schemeEnd...].firstIndex(where: { !isBlank($0) }),
              let tokenLast = bytes.lastIndex(where: { !isBlank($0) })
        else { return nil }
        return String(Substring(bytes[tokenStart...tokenLast]))
    }
}

/// A request's bearer token and what its in-memory check (form, signature, expiry) said: made
/// once per request, since admission, authentication and idempotency all need it.
struct BearerCheck: Sendable {
    let token: String
    let result: Result<SessionTokenClaims, SessionTokenRejection>

    /// The check admission made of this request's token, or made now; nil when the request
    /// carries no bearer token. A check of another token (a request rebuilt with other headers
    /// on the same context) is never reused.
    static func of(_ request: Request, context: AppRequestContext, keyRing: SigningKeyRing) async throws -> BearerCheck? {
        guard let token = AuthenticationMiddleware.bearerToken(request.headers.value(of: .authorization)) else { return nil }
        if let made = context.bearerCheck, made.token == token { return made }
        return BearerCheck(token: token, result: try await keyRing.verify(token))
    }
}

/// Where the client's address comes from: the TCP peer, or, when the peer is a trusted reverse
/// proxy (`ACADEMY_TRUSTED_PROXIES`), the client it names in `X-Forwarded-For`.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.clientAddress
        context.clientAddress = proxies.clientAddress(peer: peer, forwardedFor: request.headers[.init("X-Forwarded-For")!])
        context.reachedOverTLS = proxies.contains(peer) && request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
        return try await next(request, context)
    }
}
