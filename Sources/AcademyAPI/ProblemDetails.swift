import Foundation
package import Hummingbird
package import AcademyCore

/// An RFC 9457 problem, the body of every error response.
package struct ProblemDetails: Sendable {
    let type: String
    package let title: String
    package let status: Int
    package let detail: String
    package let errors: [FieldError]?
    package let requestId: String

    /// Extra headers the problem's status calls for (`Allow`, `Retry-After`).
    package var headers: HTTPFields = [:]
    /// Whether this is the 401 of a missing, forged or expired token: the answer to most hostile
    /// traffic, the same but for its request id every time, so its body is written once
    /// (`unauthenticatedBody`).
    private var isUnauthenticated = false

    /// The one mapping from the Academy's errors to HTTP.
    package init(_ error: AcademyError, requestID: String) {
        requestId = requestID
        var fieldErrorList: [FieldError]?
        switch error {
        case .malformedRequest(let detail):
            (type, title, status, self.detail) = ("about:blank", "Bad Request", 400, detail)
        case .unauthenticated:
            (type, title, status, detail) = ("about:blank", "Unauthorized", 401, "A valid session token is required: send Authorization: Bearer <token>.")
            headers[.wwwAuthenticate] = #"Bearer realm="academy""#
            isUnauthenticated = true
        case .invalidCredentials:
            (type, title, status, detail) = ("/problems/invalid-credentials", "Unauthorized", 401, "The email or password is wrong.")
        case .forbidden(let detail):
            (type, title, status, self.detail) = ("about:blank", "Forbidden", 403, detail)
        case .conflict(let detail):
            (type, title, status, self.detail) = ("/problems/conflict", "Conflict", 409, detail)
        case .courseFull(let capacity):
            (type, title, status, detail) = ("/problems/course-full", "Course full", 409, "All \(capacity) places of this course are taken.")
        case .itemLocked(let lock):
            (type, title, status) = ("/problems/item-locked", "Item locked", 403)
            switch lock {
            case .courseNotStarted(let until): detail = "The course starts at \(RFC3339.string(from: until))."
            case .notReleased(let until): detail = "This item opens at \(RFC3339.string(from: until))."
            case .requiresPrevious(let itemID): detail = "Complete the previous item (\(itemID.apiString)) first."
            case .open: detail = "This item is open."
            }
        case .rateLimited(let retryAfterSeconds):
            (type, title, status, detail) = ("/problems/rate-limited", "Too Many Requests", 429, "Too many attempts. Retry in \(retryAfterSeconds) seconds.")
            headers[.retryAfter] = String(retryAfterSeconds)
        case .notFound(let detail):
            (type, title, status, self.detail) = ("about:blank", "Not Found", 404, detail)
        case .methodNotAllowed(let allowed):
            (type, title, status, detail) = ("about:blank", "Method Not Allowed", 405, "This resource answers \(allowed.joined(separator: ", ")).")
            headers[.allow] = allowed.joined(separator: ", ")
        case .preconditionFailed(let detail):
            (type, title, status, self.detail) = ("/problems/precondition-failed", "Precondition Failed", 412, detail)
        case .payloadTooLarge(let limit):
            (type, title, status, detail) = ("about:blank", "Content Too Large", 413, "The body is larger than the limit of \(limit) bytes.")
        case .rangeNotSatisfiable(let size):
            (type, title, status, detail) = ("about:blank", "Range Not Satisfiable", 416, "The file has \(size) bytes; the range asks for none of them.")
            headers[.contentRange] = "bytes */\(size)"
        case .unsupportedMediaType(let expected):
            (type, title, status, detail) = ("about:blank", "Unsupported Media Type", 415, "Send the body as \(expected) and say so in Content-Type.")
        case .validationFailed(let fieldErrors):
            (type, title, status) = ("/problems/validation", "Invalid request", 422)
            detail = fieldErrors.count == 1
                ? "\(Self.describe(fieldErrors[0]))."
                : "\(fieldErrors.count) fields are invalid; see errors."
            fieldErrorList = fieldErrors
        case .unavailable(let reason, let retryAfterSeconds):
            (type, title, status, detail) = ("/problems/unavailable", "Service Unavailable", 503, "\(reason) Retry later.")
            headers[.retryAfter] = String(retryAfterSeconds)
        }
        errors = fieldErrorList
    }

    /// A problem for a status Hummingbird itself raised (no route, body too large).
    init(status: HTTPResponse.Status, detail: String, requestID: String) {
        type = "about:blank"
        title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        errors = nil
        requestId = requestID
    }

    private static func describe(_ fieldError: FieldError) -> String {
        fieldError.field.isEmpty ? "The body \(fieldError.message)" : "\(fieldError.field) \(fieldError.message)"
    }

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        // An id is put in unescaped only if it needs no escape (a client's id that is echoed
        // never does; `RequestID`).
        let body = isUnauthenticated && RequestID.isAcceptable(requestId)
            ? Self.unauthenticatedBody.around(requestId)
            : ByteBuffer(string: json)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    private static let unauthenticatedBody = BodyAroundID(ProblemDetails(.unauthenticated, requestID: "").json)

    /// A problem's body written once, but for the request id.
    private struct BodyAroundID {
        let head: String
        let tail: String

        init(_ json: String) {
            let empty = #""request_id":"""#
            guard let id = json.firstRange(of: empty) else { preconditionFailure("a problem's body names its request id") }
            let value = json.index(before: id.upperBound)
            head = String(json[..<value])
            tail = String(json[value...])
        }

        func around(_ requestID: String) -> ByteBuffer {
            var body = ByteBuffer()
            body.reserveCapacity(head.utf8.count + requestID.utf8.count + tail.utf8.count)
            body.writeString(head)
            body.writeString(requestID)
            body.writeString(tail)
            return body
        }
    }

    /// The body, written directly into one string (`JSONWriter`): errors are the answer to most
    /// hostile traffic (forged tokens, unknown paths), so they must cost less than a generic
    /// encoder. Keys sorted, as the API's encoder writes them.
    var json: String {
        var json = JSONWriter(capacity: 160 + detail.utf8.count + title.utf8.count + type.utf8.count)
        json.object { json in
            json.member("detail", detail)
            if let errors {
                json.key("errors")
                json.array { json in
                    for error in errors {
                        json.object { json in
                            json.member("field", error.field)
                            json.member("message", error.message)
                        }
                    }
                }
            }
            json.member("request_id", requestId)
            json.member("status", status)
            json.member("title", title)
            json.member("type", type)
        }
        return json.text
    }
}
