import AcademyCore
import AcademyCrypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Conditional requests for every JSON resource of the API, from the representation itself:
/// - a `GET` answered 200 with a body up to `maximumBytes` carries `ETag: W/"…"` (a hash of the
///   body, so it changes with the content and with the language negotiated), and when the
///   client's `If-None-Match` names it, the answer is 304 without the body: an unchanged lesson
///   costs a few hundred bytes on a metered connection;
/// - a `PATCH` with `If-Match` first reads the resource as a `GET` with the same headers would,
///   and answers 412 when its ETag is not the one named: an edit made on a stale copy does not
///   overwrite someone else's change (checked just before the change, not in its transaction).
/// Responses that set their own ETag (attachments, by content hash) are left as they are.
struct ConditionalRequestMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let maximumBytes = 1 << 20
    let reader: RepresentationReader

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Resources of the API only: health checks and metrics are polled, not cached.
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        switch request.method {
        case .get:
            return try await conditionalGET(request, context: context, next: next)
        case .patch:
            var context = context
            if let expected = request.headers[.ifMatch] {
                let current = try await reader.get(request, context: context)
                if current.status.kind == .successful, !Self.matches(expected, etag: current.headers[.eTag]) {
                    context.failedPrecondition = .preconditionFailed("The resource changed since you read it (its ETag is not the one in If-Match); read it again and redo your change.")
                }
            }
            return try await next(request, context)
        default:
            return try await next(request, context)
        }
    }

    func conditionalGET(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.status == .ok, response.headers[.eTag] == nil,
              let length = response.body.contentLength, length <= maximumBytes
        else { return response }
        let body = try await response.collectBody()
        var digest = SHA256Digest()
        body.withUnsafeReadableBytes { digest.update($0) }
        let etag = "W/\"" + digest.finalize().prefix(32) + "\""
        response.headers[.eTag] = etag
        if let wanted = request.headers[.ifNoneMatch], Self.matches(wanted, etag: etag) {
            var headers = response.headers
            headers[.contentLength] = nil
            return Response(status: .notModified, headers: headers)
        }
        return response
    }

    /// Whether a list of entity tags (`If-Match`, `If-None-Match`) names `etag` or is `*`
    /// (compared weakly: `W/"x"` and `"x"` are the same tag).
    static func matches(_ list: String, etag: String?) -> Bool {
        guard let etag else { return false }
        let opaque = { (tag: Substring) in tag.hasPrefix("W/") ? tag.dropFirst(2) : tag }
        let wanted = opaque(Substring(etag))
        return list.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || opaque(Substring(tag)) == wanted
        }
    }
}

/// Reads the resource of a request as a `GET` with the same headers would, through the whole
/// router (the middleware's `next` is already bound to the request's own route).
final class RepresentationReader: Sendable {
    private let responder = Mutex<RouterResponder<AppRequestContext>?>(nil)

    /// The application's responder, once every route is in.
    func install(_ router: RouterResponder<AppRequestContext>) {
        responder.withLock { $0 = router }
    }

    func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let router = responder.withLock({ $0 }) else {
            preconditionFailure("RepresentationReader.install must run before the server answers")
        }
        var head = request.head
        head.method = .get
        return try await router.respond(to: Request(head: head, body: .init(buffer: ByteBuffer())), context: context)
    }
}
