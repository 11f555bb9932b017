/// A problem with one field of a request body, named by its dotted path (`translations.ar.title`).
public struct FieldError: Sendable, Equatable, Codable {
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
    /// Nothing answers at this path, or the caller may not know that something does.
    case notFound(String)
    /// The path exists but not with this method.
    case methodNotAllowed(allowed: [String])
    /// The body is larger than the configured limit, in bytes.
    case payloadTooLarge(limit: Int)
    /// The body is not in the one media type the endpoint reads.
    case unsupportedMediaType(expected: String)
    /// The body was read but its values break the rules; one entry per offending field.
    case validationFailed([FieldError])
    /// A dependency (the database) cannot serve now; the client should retry later.
    case unavailable(reason: String, retryAfterSeconds: Int)
}
