import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import HTTPTypes
public import Hummingbird
import NIOCore

/// `Idempotency-Key` on POST: the first successful answer to a request is kept for 24 hours,
/// per caller (the session of the token that sent it), and a retry with the same key and the same
/// request gets that answer again (marked `Idempotent-Replayed: true`) instead of acting twice:
/// an enrolment, a course or a quiz attempt retried over a dropped mobile connection is made
/// once. The same key with another request is 422; while the first is still running, 409. A
/// request that fails is not kept, so its retry runs again. Requests without a token whose
/// signature holds (checked in memory, as authentication does first), and uploads that stream
/// past the body limit, are not covered: the key is ignored for them, so a forged token never
/// makes this middleware touch the database.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let store: IdempotencyRepository
    let keyRing: SigningKeyRing
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = request.headers[.idempotencyKey],
              request.headers[.contentType] == nil || StrictRequestDecoder.isJSON(request.headers[.contentType]),
              case .success(let claims) = try await BearerCheck.of(request, context: context, keyRing: keyRing)?.result
        else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw AcademyError.malformedRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let caller = claims.sessionID.apiString
        let fingerprint = SHA256Digest.hex(of: Array("\(request.method.rawValue) \(request.uri.description)\n\(Self.canonical(body))".utf8))
        switch try await store.claim(caller: caller, key: key, fingerprint: fingerprint) {
        case .claimed:
            break
        case .replay(let status, let contentType, let location, let stored):
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            headers[.contentType] = contentType
            headers[.location] = location
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: stored)))
        case .usedForAnotherRequest:
            throw AcademyError.validationFailed([FieldError(field: "Idempotency-Key", message: "was used for a different request in the last 24 hours")])
        case .inProgress:
            throw AcademyError.conflict("The first request with this Idempotency-Key is still being processed; retry in a moment.")
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try? await store.release(caller: caller, key: key)
            throw error
        }
        guard (200..<300).contains(response.status.code) else {
            try? await store.release(caller: caller, key: key)
            return response
        }
        var replayable = response
        let answer = try await replayable.collectBody()
        try await store.complete(
            caller: caller, key: key, status: response.status.code,
            contentType: response.headers[.contentType], location: response.headers[.location], body: Array(buffer: answer)
        )
        return replayable
    }

    /// The body in its canonical form when it is JSON, so that a client that rebuilds a retry
    /// with its keys in another order still sends the same request; else as it came.
    static func canonical(_ body: ByteBuffer) -> String {
        let bytes = Array(buffer: body)
        guard case .success(let document) = JSONParser.parse(bytes) else { return String(decoding: bytes, as: UTF8.self) }
        return document.canonicalText
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
