import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

/// Certificates: public verification, the public key, and one's own list.
struct CertificateController {
    let service: CertificateService
    let authentication: AuthenticationMiddleware

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/api/v1/certificates/public-key", use: publicKey)
        router.get("/api/v1/certificates/:id", use: show)
        router.group("/api/v1/me/certificates").add(middleware: authentication).get(use: mine)
    }

    @Sendable func publicKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/x-pem-file", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: try await service.publicKeyPEM()))
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
    let verification: CertificateService.Verification

    enum CodingKeys: String, CodingKey {
        case id, valid, revoked, revokedReason, issuedAt, keyId, signature, payload, certificate
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let certificate = verification.certificate
        try container.encode(certificate.id.apiString, forKey: .id)
        try container.encode(verification.valid, forKey: .valid)
        try container.encode(certificate.revokedAt != nil, forKey: .revoked)
        try container.encode(certificate.revokedReason, forKey: .revokedReason)
        try container.encode(certificate.issuedAt, forKey: .issuedAt)
        try container.encode(certificate.keyID, forKey: .keyId)
        try container.encode(certificate.signature, forKey: .signature)
        // The exact signed bytes, for offline verification, and the same facts as fields.
        try container.encode(certificate.payload, forKey: .payload)
        try container.encode(verification.payload, forKey: .certificate)
    }
}
