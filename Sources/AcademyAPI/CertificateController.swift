import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Certificates: public verification, the public key, and one's own list.
struct CertificateController {
    let service: CertificateService
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("certificates/public-key", use: publicKey)
        routes.get("certificates/:id", use: show)
        routes.group("me/certificates").add(middleware: authentication).get(use: mine)
        return routes
    }

    /// The key that signs new certificates, or with `?key_id=` the one that signed a given
    /// certificate (keys are rotated; the older ones stay published).
    @Sendable func publicKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let pem = try await service.publicKeyPEM(keyID: request.uri.queryParameters.get("key_id")) else {
            throw AcademyError.notFound("No certificate-signing key has that id.")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-pem-file", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: pem))
        )
    }

    /// Public: anyone holding a certificate's id can check it; `valid` is false for a tampered or
    /// revoked one.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> CertificateResponse {
        guard let verification = try await service.verify(try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such certificate.")
        }
        return CertificateResponse(verification: verification)
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> PageResponse<CertificateResponse> {
        let principal = try context.requirePrincipal()
        var items: [CertificateResponse] = []
        for certificate in try await service.certificates(of: principal.userID) {
            if let verification = try await service.verify(certificate.id) {
                items.append(CertificateResponse(verification: verification))
            }
        }
        return PageResponse(items: items, nextCursor: nil)
    }
}

struct CertificateResponse: ResponseEncodable, Encodable {
    let id: String
    let valid: Bool
    let revoked: Bool
    @NullEncoded var revokedReason: String?
    let issuedAt: Date
    let keyId: String
    let signature: String
    /// The exact signed bytes, for offline verification, and the same facts as fields.
    let payload: String
    @NullEncoded var certificate: CertificatePayload?

    init(verification: CertificateService.Verification) {
        let certificate = verification.certificate
        id = certificate.id.apiString
        valid = verification.valid
        revoked = certificate.revokedAt != nil
        revokedReason = certificate.revokedReason
        issuedAt = certificate.issuedAt
        keyId = certificate.keyID
        signature = certificate.signature
        payload = certificate.payload
        self.certificate = verification.payload
    }
}
