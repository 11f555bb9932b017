/// A problem with one field of a request body, named by its dotted path (`translations.ar.title`).
public struct FieldError: Error, Sendable, Equatable, Codable {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Every failure the Academy reports to a client. The HTTP layer maps each case to an RFC 9457
/// problem in one place; nothing else decides statuses.
public enum AcademyError: Error, Sendable, Equatable {
    /// The request could not be read at all (malformed JSON, a bad query parameter).
    case malformedRequest(String)
    /// No valid credentials: missing, malformed, forged, expired or revoked token, or a wrong
    /// email and password. Deliberately says nothing about which.
    case unauthenticated
    /// A sign-in with a wrong email or password; the same answer whichever of the two was wrong.
    case invalidCredentials
    /// The caller is known but may not do this.
    case forbidden(String)
    /// Nothing answers at this path, or the caller may not know that something does.
    case notFound(String)
    /// `If-Match` names another version of the resource than the current one.
    case preconditionFailed(String)
    /// The path exists but not with this method.
    case methodNotAllowed(allowed: [String])
    /// The request clashes with the current state (a taken email, the last admin).
    case conflict(String)
    /// Every seat of the course is taken.
    case courseFull(capacity: Int)
    /// The item exists and the caller may see it, but it is not open to them yet.
    case itemLocked(ItemLock)
    /// The body is larger than the configured limit, in bytes.
    case payloadTooLarge(limit: Int)
    /// A `Range` that lies wholly outside a file of `size` bytes.
    case rangeNotSatisfiable(size: Int)
    /// The body is not in the one media type the endpoint reads.
    case unsupportedMediaType(expected: String)
    /// The body was read but its values break the rules; one entry per offending field.
    case validationFailed([FieldError])
    /// Too many attempts; the client may retry after the given number of seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// A dependency (the database) cannot serve now; the client should retry later.
    case unavailable(reason: String, retryAfterSeconds: Int)
}
