public import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Foundation

/// Issues, verifies and revokes certificates of completion, signed with Ed25519 over canonical
/// JSON so that anyone holding the public key can check one offline.
public struct CertificateService: Sendable {
    let certificates: CertificateRepository
    let secrets: SecretsAtRest
    let courses: CourseRepository
    let users: UserRepository
    let reads: ReplicaReads

    public init(certificates: CertificateRepository, courses: CourseRepository, users: UserRepository, secrets: SecretsAtRest, reads: ReplicaReads) {
        self.secrets = secrets
        self.reads = reads
        self.certificates = certificates
        self.courses = courses
        self.users = users
    }

    /// The certificate of a finished enrolment, issued once: a second call (or a race) returns the
    /// one that stands. The course title is in the student's language when the course has it.
    public func issue(for enrollment: Enrollment) async throws -> Certificate {
        guard let student = try await users.find(id: enrollment.userID),
              let (course, _) = try await courses.find(.id(enrollment.courseID), for: nil)
        else { throw AcademyError.notFound("No such enrolment.") }
        let key = try await certificates.signingKey(creating: newKey)
        let language = Languages.negotiate(
            query: nil, acceptLanguage: nil, userLocale: student.locale,
            available: course.translations.keys.sorted(), fallback: course.defaultLanguage
        )
        let id = UUID()
        let serial = String(format: "HKA-%@-%06d", Self.year(), try await certificates.nextSerial())
        let payload = CertificatePayload(
            certificateId: id.apiString, serial: serial, studentName: student.displayName,
            courseId: course.id.apiString, courseSlug: course.slug,
            courseTitle: Languages.text(course.translations, in: language, fallback: course.defaultLanguage)?.title ?? "", language: language,
            completedAt: RFC3339.string(from: Date())
        )
        let bytes = payload.canonicalJSON()
        let privateKey = try secrets.secret(key.privateKey, context: SecretsAtRest.certificateKey(key.id))
        let signature = Ed25519Key(privateKey: privateKey).sign(bytes)
        return try await certificates.issue(
            id: id, enrollment: enrollment, serial: serial, payload: String(decoding: bytes, as: UTF8.self),
            signature: Base64URL.encode(signature), keyID: key.id
        )
    }

    public struct Verification: Sendable {
        public let certificate: Certificate
        public let payload: CertificatePayload?
        public let signatureValid: Bool

        public var valid: Bool { signatureValid && certificate.revokedAt == nil }
    }

    /// Anyone's check of a certificate: read from the replica when there is one (a certificate
    /// issued a moment ago and not there yet is read from the primary).
    public func verify(_ id: UUID) async throws -> Verification? {
        @Sendable func lookUp(in certificates: CertificateRepository) async throws -> (Certificate, [UInt8]?)? {
            guard let certificate = try await certificates.find(id) else { return nil }
            return (certificate, try await certificates.publicKey(id: certificate.keyID))
        }
        var found = try await reads.run(for: nil) { try await lookUp(in: CertificateRepository(database: $0)) }
        if found == nil {
            found = try await lookUp(in: certificates)
        }
        guard let (certificate, publicKey) = found else { return nil }
        let bytes = Array(certificate.payload.utf8)
        let signatureValid = if let publicKey, let signature = Base64URL.decode(certificate.signature) {
            Ed25519Key.isValid(signature, for: bytes, publicKey: publicKey)
        } else {
            false
        }
        return Verification(certificate: certificate, payload: CertificatePayload.decode(canonicalJSON: bytes), signatureValid: signatureValid)
    }

    /// The public key that signs new certificates, or the one named (an older key still verifies
    /// what it signed); nil for an unknown name.
    public func publicKeyPEM(keyID: String? = nil) async throws -> String? {
        guard let keyID else {
            return Ed25519Key.publicKeyPEM(try await certificates.signingKey(creating: newKey).publicKey)
        }
        guard Certificate.isKeyID(keyID), let publicKey = try await certificates.publicKey(id: keyID) else { return nil }
        return Ed25519Key.publicKeyPEM(publicKey)
    }

    /// A new signing key for the certificates issued from now on; those issued before keep their
    /// key and still verify. Returns the new key's id.
    public func rotateKey() async throws -> String {
        let key = newKey()
        try await certificates.addKey(key)
        return key.id
    }

    public func revoke(_ id: UUID, reason: String) async throws -> Bool {
        try await certificates.revoke(id, reason: reason)
    }

    public func certificates(of userID: UUID) async throws -> [Certificate] {
        try await certificates.certificates(of: userID)
    }

    /// A fresh key in the form the repository stores (the private half sealed when the deployment
    /// has a key).
    @Sendable func newKey() -> CertificateKeyRecord {
        let key = Ed25519Key.generate()
        let id = Base64URL.encode(SecureRandom.bytes(count: 6))
        return CertificateKeyRecord(id: id, privateKey: secrets.stored(key.privateKey, context: SecretsAtRest.certificateKey(id)), publicKey: key.publicKey)
    }

    static func year() -> String {
        String(RFC3339.string(from: Date()).prefix(4))
    }
}
