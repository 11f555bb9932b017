public import AcademyCore
import AcademyCrypto
public import Foundation
public import Hummingbird
import NIOCore

/// Per-request state: the request id every log line and response carries, the body limit of
/// this deployment, the peer's address, and who is signed in.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var maxUploadSize: Int
    /// The TCP peer; ClientAddressMiddleware replaces it with the forwarded client when the
    /// deployment trusts its proxy. Written out only when asked: few requests need it (sign-in,
    /// audit), and formatting it for every one showed in a forged token's profile.
    public var clientAddress: String {
        get { namedClientAddress ?? peer?.ipAddress ?? "unknown" }
        set { namedClientAddress = newValue }
    }
    private var peer: SocketAddress?
    private var namedClientAddress: String?
    /// Whether the browser reached us over TLS: said by a trusted proxy's `X-Forwarded-Proto`
    /// (this server speaks plain HTTP). Session cookies are marked `Secure` then.
    public var reachedOverTLS: Bool
    /// Set by AuthenticationMiddleware on the routes that require a session.
    public var principal: Principal?
    /// Set by ConditionalRequestMiddleware when `If-Match` names another version; reported by
    /// `Request.mergePatch` once the change proved valid.
    public var failedPrecondition: AcademyError?
    /// The bearer token's in-memory check, made once when the request is admitted
    /// (AdmissionResponder) and read by authentication and idempotency.
    var bearerCheck: BearerCheck?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        // Replaced by RequestLimitsMiddleware with the configured limit before any body is read.
        maxUploadSize = 2 * 1024 * 1024
        peer = source.channel.remoteAddress
        namedClientAddress = nil
        reachedOverTLS = false
        principal = nil
        failedPrecondition = nil
        bearerCheck = nil
    }

    /// The signed-in user; only reachable on routes behind AuthenticationMiddleware.
    public func requirePrincipal() throws(AcademyError) -> Principal {
        guard let principal else { throw .unauthenticated }
        return principal
    }

    public var requestDecoder: StrictRequestDecoder { StrictRequestDecoder() }
    public var responseEncoder: JSONEncoder { APIJSON.sharedEncoder }
}

/// The API's JSON style: snake_case keys, RFC 3339 timestamps in UTC.
public enum APIJSON {
    /// One encoder for every response: its options never change after this, and building one
    /// per request showed in profiles.
    public static let sharedEncoder = encoder()

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // The same text as RFC3339.string (whole seconds, UTC, `Z`), without a closure and a
        // nested container per date.
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }
}

extension Response {
    /// A JSON body written directly (`JSONWriter`), with the content type the API's encoder sets.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension AppRequestContext {
    /// `scheme://host` as the client reached the academy (HTTPS when a trusted proxy says so,
    /// `reachedOverTLS`), for addresses handed back to that client: a certificate's, a calendar's.
    package func origin(of request: Request) -> String {
        "\(reachedOverTLS ? "https" : "http")://\(request.head.authority ?? "localhost")"
    }
}
