/// AWS Signature Version 4, the request signing every S3-compatible store checks (AWS S3, MinIO,
/// Ceph): a canonical form of the request, hashed, then signed with a key derived from the secret
/// for one day, region and service. Pure: the caller gives the time and the payload's hash.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
public struct AWSSignatureV4: Sendable {
    public struct Credentials: Sendable {
        public let accessKeyID: String
        public let secretAccessKey: String

        public init(accessKeyID: String, secretAccessKey: String) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
        }
    }

    /// What S3 accepts in `x-amz-content-sha256` for a body that is not hashed before it is sent.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The SHA-256 of no bytes, for requests without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    let credentials: Credentials
    let region: String
    let service: String

    public init(credentials: Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The `Authorization` header's value for a request. `path` is the URI's path before encoding;
    /// `headers` are those to sign (at least `host`, `x-amz-date` and, for S3,
    /// `x-amz-content-sha256`); `amzDate` is the `x-amz-date` value, `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public func authorization(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        payloadHash: String, amzDate: String
    ) -> String {
        let canonicalHeaders = headers
            .map { (name: $0.name.lowercased(), value: Self.trimmed($0.value)) }
            .sorted { $0.name < $1.name }
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let encodedQuery: [(name: String, value: String)] = query.map { (Self.encoded($0.name), Self.encoded($0.value)) }
        let canonicalQuery = encodedQuery
            .sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        let canonicalRequest = [
            method,
            Self.encoded(path, keepingSlashes: true),
            canonicalQuery,
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let day = String(amzDate.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, SHA256Digest.hex(of: Array(canonicalRequest.utf8))].joined(separator: "\n")
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [day, region, service, "aws4_request"] {
            key = HMACSHA256.Key(key).authenticationCode(for: Array(part.utf8))
        }
        let signature = SHA256Digest.hexString(HMACSHA256.Key(key).authenticationCode(for: Array(stringToSign.utf8)))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// RFC 3986 percent-encoding as SigV4 wants it: only unreserved characters stay as they are.
    public static func encoded(_ text: String, keepingSlashes: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlashes:
                result.append("/")
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                result.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "%")))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return result
    }

    /// A header value with its ends trimmed and inner runs of spaces made one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// Credentials as logs and errors may show them: never the secret.
extension AWSSignatureV4.Credentials: CustomStringConvertible {
    public var description: String { "access key \(accessKeyID)" }
}
