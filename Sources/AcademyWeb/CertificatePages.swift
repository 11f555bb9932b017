import AcademyAPI
import AcademyCore
import AcademyServices
import Foundation
import Hummingbird

/// The student's certificates, and the public page that tells anyone holding a link whether a
/// certificate is genuine (the same verification as `GET /api/v1/certificates/{id}`).
struct CertificatePages {
    let session: SiteSession
    let renderer: PageRenderer
    let certificates: CertificateService

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("my/certificates", use: mine)
        routes.get("certificates/:id", use: show)
    }

    struct Entry {
        let id: String
        let course: String
        let lang: String
        let completed: String
        let revoked: Bool
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        var entries: [Entry] = []
        for certificate in try await certificates.certificates(of: principal.userID) {
            guard let verification = try await certificates.verify(certificate.id), let payload = verification.payload else { continue }
            entries.append(Entry(
                id: certificate.id.apiString, course: payload.courseTitle, lang: payload.language,
                completed: Self.date(payload.completedAt, for: visitor), revoked: certificate.revokedAt != nil
            ))
        }
        let title = renderer.strings(visitor.language)["nav_certificates"] ?? ""
        return renderer.render("certificates", title: title, page: ["certificates": entries], visitor: visitor, request: request)
    }

    struct CertificatePage {
        let id: String
        let valid: Bool
        let revoked: Bool
        let revokedReason: String?
        let hasPayload: Bool
        let student: String
        let course: String
        let lang: String
        let completed: String
        let serial: String
        let address: String
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let id = try context.parameters.uuid("id")
        guard let verification = try await certificates.verify(id) else {
            throw AcademyError.notFound("No certificate has this id.")
        }
        let payload = verification.payload
        let page = CertificatePage(
            id: id.apiString, valid: verification.valid, revoked: verification.certificate.revokedAt != nil,
            revokedReason: verification.certificate.revokedReason, hasPayload: payload != nil,
            student: payload?.studentName ?? "", course: payload?.courseTitle ?? "", lang: payload?.language ?? "",
            completed: payload.map { Self.date($0.completedAt, for: visitor) } ?? "", serial: payload?.serial ?? "",
            address: "\(context.origin(of: request))/certificates/\(id.apiString)"
        )
        return renderer.render("certificate", title: renderer.strings(visitor.language)["certificate_title"] ?? "", page: page, visitor: visitor, request: request)
    }

    /// The signed RFC 3339 date, shown in the visitor's language and time zone.
    private static func date(_ text: String, for visitor: Visitor) -> String {
        RFC3339.date(from: text).map(visitor.format) ?? text
    }
}
