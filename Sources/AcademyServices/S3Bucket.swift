import AcademyCrypto
import AcademyCore
import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import SystemPackage
import _NIOFileSystem

/// One bucket of an S3-compatible object store (AWS S3, MinIO, Ceph), spoken to over HTTP with
/// AsyncHTTPClient and AWS Signature Version 4: the few calls the blob store needs, each body
/// streamed (from a file on the way up, to the client on the way down), never held whole.
public struct S3Bucket: Sendable {
    /// Where the bucket is and who may use it, from `ACADEMY_S3_*`.
    public struct Settings: Sendable, Equatable {
        /// `scheme://host[:port]` of an S3-compatible server; nil: AWS, `https://s3.REGION.amazonaws.com`.
        public var endpoint: String?
        public var region: String
        public var bucket: String
        public var accessKeyID: String
        public var secretAccessKey: String

        public init(endpoint: String?, region: String, bucket: String, accessKeyID: String, secretAccessKey: String) {
            self.endpoint = endpoint
            self.region = region
            self.bucket = bucket
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
        }
    }

    /// An answer of the store that is not the one asked for (its status and S3's error code).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let operation: String
        public let status: UInt
        public let code: String

        public var description: String { "S3 \(operation) answered \(status) \(code)" }
        /// The store is down or overloaded, rather than refusing this request.
        public var isTransient: Bool { status >= 500 || status == 429 }
    }

    /// Above this a file goes up in parts of this size (S3 wants at least 5 MiB but the last).
    static let partSize = 8 * 1024 * 1024

    let origin: String
    let host: String
    /// `/bucket` when the bucket is named in the path (any custom endpoint), empty when it is in
    /// the host name (AWS's virtual-hosted style).
    let bucketPath: String
    let signer: AWSSignatureV4
    let client: HTTPClient

    public init(_ settings: Settings) {
        if let endpoint = settings.endpoint, let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host {
            let defaultPort = scheme == "https" ? 443 : 80
            self.host = url.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
            origin = "\(scheme)://\(self.host)"
            bucketPath = "/" + settings.bucket
        } else {
            host = "\(settings.bucket).s3.\(settings.region).amazonaws.com"
            origin = "https://\(host)"
            bucketPath = ""
        }
        signer = AWSSignatureV4(
            credentials: .init(accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey), region: settings.region
        )
        client = Self.client
    }

    /// One client for the process, never shut down (as AsyncHTTPClient's own `shared`), but one
    /// that fails at once when the store refuses connections: the default retries until each
    /// request's deadline, and an upload would wait 30 s to learn that the store is down.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(5)
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// What is wrong with the bucket's settings, said in terms of the variables, or nil when the
    /// bucket answers (HeadBucket): checked once at start, so a typo shows before the first upload.
    public func problem() async -> String? {
        do {
            let response = try await send(.HEAD, key: nil, timeout: .seconds(10))
            switch response.status.code {
            case 200..<300: return nil
            case 404: return "the store has no bucket named by ACADEMY_S3_BUCKET: create it, or correct the name"
            case 301, 400, 403: return "the store refuses the key of ACADEMY_S3_ACCESS_KEY_ID (answer \(response.status.code)): check the key, its secret, the bucket's region (ACADEMY_S3_REGION) and its permissions"
            default: return "the store answers \(response.status.code) at ACADEMY_S3_ENDPOINT"
            }
        } catch {
            return "the store at ACADEMY_S3_ENDPOINT cannot be reached (\(error)); uploads and downloads answer 503 until it can"
        }
    }

    /// When an object was last written (HEAD), nil when it is not there.
    public func lastModified(_ key: String) async throws -> Date? {
        let response = try await send(.HEAD, key: key, timeout: .seconds(30))
        switch response.status.code {
        case 200: return response.headers.first(name: "last-modified").flatMap(Self.httpDate) ?? Date()
        case 404: return nil
        default: throw Failure(operation: "HEAD", status: response.status.code, code: "")
        }
    }

    /// Every object under `prefix` with when it was last written (ListObjectsV2, a page of up to
    /// 1,000 at a time).
    func list(prefix: String) async throws -> [(key: String, size: Int, lastModified: Date)] {
        var objects: [(key: String, size: Int, lastModified: Date)] = []
        var continuation: String?
        repeat {
            var query = [(name: "list-type", value: "2"), (name: "prefix", value: prefix)]
            if let continuation { query.append((name: "continuation-token", value: continuation)) }
            let response = try await send(.GET, key: nil, query: query, timeout: .seconds(60))
            try await Self.expectSuccess(response, operation: "ListObjectsV2")
            let xml = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
            for entry in xml.components(separatedBy: "<Contents>").dropFirst() {
                guard let key = Self.element("Key", in: entry) else { continue }
                objects.append((
                    key, Self.element("Size", in: entry).flatMap { Int($0) } ?? 0,
                    Self.element("LastModified", in: entry).flatMap(RFC3339.date(from:)) ?? Date()
                ))
            }
            continuation = Self.element("IsTruncated", in: xml) == "true" ? Self.element("NextContinuationToken", in: xml) : nil
        } while continuation != nil
        return objects
    }

    func delete(_ key: String) async throws {
        let response = try await send(.DELETE, key: key, timeout: .seconds(30))
        try await Self.expectSuccess(response, operation: "DELETE")
        try await Self.drain(response)
    }

    /// Puts a file under `key`: one PUT up to `partSize`, a multipart upload above it. `sha256` is
    /// the file's digest, signed as the payload's hash so the store checks the bytes it received.
    func upload(fileAt path: FilePath, size: Int, sha256: String, as key: String) async throws {
        try await FileSystem.shared.withFileHandle(forReadingAt: path) { file in
            if size <= Self.partSize {
                let body = HTTPClientRequest.Body.stream(file.readChunks(in: 0..<Int64(size), chunkLength: .kibibytes(64)), length: .known(Int64(size)))
                let response = try await send(.PUT, key: key, payloadHash: sha256, body: body, timeout: Self.transferTimeout(size))
                try await Self.expectSuccess(response, operation: "PUT")
                try await Self.drain(response)
            } else {
                try await uploadInParts(file, size: size, as: key)
            }
        }
    }

    private func uploadInParts(_ file: ReadFileHandle, size: Int, as key: String) async throws {
        let started = try await send(.POST, key: key, query: [("uploads", "")], timeout: .seconds(30))
        try await Self.expectSuccess(started, operation: "CreateMultipartUpload")
        let startedBody = String(buffer: try await started.body.collect(upTo: 64 * 1024))
        guard let uploadID = Self.element("UploadId", in: startedBody) else {
            throw Failure(operation: "CreateMultipartUpload", status: started.status.code, code: "NoUploadId")
        }
        do {
            var parts: [(number: Int, etag: String)] = []
            for (index, offset) in stride(from: 0, to: size, by: Self.partSize).enumerated() {
                let range = Int64(offset)..<Int64(min(offset + Self.partSize, size))
                // Read twice, from the page cache: once to hash the part for its signature, once
                // to send it, so that no part is held in memory.
                var digest = SHA256Digest()
                for try await chunk in file.readChunks(in: range, chunkLength: .kibibytes(64)) {
                    chunk.withUnsafeReadableBytes { digest.update($0) }
                }
                let number = index + 1
                let response = try await send(
                    .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], payloadHash: digest.finalize(),
                    body: .stream(file.readChunks(in: range, chunkLength: .kibibytes(64)), length: .known(range.upperBound - range.lowerBound)),
                    timeout: Self.transferTimeout(Self.partSize)
                )
                try await Self.expectSuccess(response, operation: "UploadPart")
                guard let etag = response.headers.first(name: "etag") else {
                    throw Failure(operation: "UploadPart", status: response.status.code, code: "NoETag")
                }
                try await Self.drain(response)
                parts.append((number, etag))
            }
            let manifest = "<CompleteMultipartUpload>" + parts.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(XMLText.escaped($0.etag))</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
            let completed = try await send(
                .POST, key: key, query: [("uploadId", uploadID)], payloadHash: SHA256Digest.hex(of: Array(manifest.utf8)),
                body: .bytes(ByteBuffer(string: manifest)), timeout: .seconds(120)
            )
            try await Self.expectSuccess(completed, operation: "CompleteMultipartUpload")
            // S3 may answer 200 and still report a failure in the body.
            let completedBody = String(buffer: try await completed.body.collect(upTo: 64 * 1024))
            if let code = Self.element("Code", in: completedBody) {
                throw Failure(operation: "CompleteMultipartUpload", status: completed.status.code, code: code)
            }
        } catch {
            _ = try? await send(.DELETE, key: key, query: [("uploadId", uploadID)], timeout: .seconds(30)).body.collect(upTo: 64 * 1024)
            throw error
        }
    }

    /// The object's bytes, or the given range of them, as they arrive.
    func download(_ key: String, range: ClosedRange<Int>? = nil) async throws -> HTTPClientResponse.Body {
        let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        let response = try await send(.GET, key: key, headers: headers, timeout: .hours(1))
        try await Self.expectSuccess(response, operation: "GET")
        return response.body
    }

    /// Makes the bucket (the tests make one each; an operator makes it with the store's own
    /// tools); one that is already there and ours is fine.
    public func create() async throws {
        let response = try await send(.PUT, key: nil, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        guard (200..<300).contains(response.status.code) || Self.element("Code", in: body) == "BucketAlreadyOwnedByYou" else {
            throw Failure(operation: "CreateBucket", status: response.status.code, code: Self.element("Code", in: body) ?? "")
        }
    }

    private func send(
        _ method: HTTPMethod, key: String?, query: [(name: String, value: String)] = [], headers extra: [(name: String, value: String)] = [],
        payloadHash: String = AWSSignatureV4.emptyPayloadHash, body: HTTPClientRequest.Body? = nil, timeout: TimeAmount
    ) async throws -> HTTPClientResponse {
        let path = bucketPath + "/" + (key ?? "")
        let amzDate = Self.amzDate(Date())
        let signed = [("host", host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", amzDate)] + extra
        var request = HTTPClientRequest(url: origin + AWSSignatureV4.encoded(path, keepingSlashes: true) + Self.queryString(query))
        request.method = method
        for (name, value) in signed { request.headers.add(name: name, value: value) }
        request.headers.add(name: "authorization", value: signer.authorization(
            method: method.rawValue, path: path, query: query, headers: signed, payloadHash: payloadHash, amzDate: amzDate
        ))
        request.body = body
        return try await client.execute(request, timeout: timeout)
    }

    private static func expectSuccess(_ response: HTTPClientResponse, operation: String) async throws {
        guard !(200..<300).contains(response.status.code) else { return }
        let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        throw Failure(operation: operation, status: response.status.code, code: element("Code", in: body) ?? "")
    }

    /// Reads what is left of a small answer, so that its connection goes back to the pool rather
    /// than being closed.
    private static func drain(_ response: HTTPClientResponse) async throws {
        _ = try await response.body.collect(upTo: 1024 * 1024)
    }

    /// A whole transfer's deadline: generous for a slow link (1 MiB/s) plus a minute.
    private static func transferTimeout(_ bytes: Int) -> TimeAmount {
        .seconds(Int64(60 + bytes / (1024 * 1024)))
    }

    private static func queryString(_ query: [(name: String, value: String)]) -> String {
        query.isEmpty ? "" : "?" + query.map { "\(AWSSignatureV4.encoded($0.name))=\(AWSSignatureV4.encoded($0.value))" }.joined(separator: "&")
    }

    /// An HTTP date (`Last-Modified`), RFC 9110's preferred form.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func amzDate(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// The text of the first `<name>` element of a small S3 XML answer (the few fields read here
    /// hold no markup; entities are decoded).
    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex) else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// Settings as logs and errors may show them: never the secret.
extension S3Bucket.Settings: CustomStringConvertible {
    public var description: String {
        "bucket \(bucket) in \(region) at \(endpoint ?? "AWS S3"), key \(accessKeyID)"
    }
}
