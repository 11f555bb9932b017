public import AcademyCore
public import AcademyCrypto
public import AcademyStore
import Foundation
public import Logging

/// Every setting of `academy serve`, read from `ACADEMY_*` environment variables and validated
/// together at start, so that one run reports every bad value at once.
public struct AppConfiguration: Sendable {
    public var databaseURL: DatabaseURL
    public var host: String
    public var port: Int
    public var listenBacklog: Int
    public var maxRequestsInFlight: Int
    public var maxConnections: Int
    public var idleTimeoutSeconds: Int
    public var dataDirectory: String
    public var logLevel: Logger.Level
    public var maxBodyBytes: Int
    public var autoMigrate: Bool
    public var databasePoolSize: Int
    public var databaseTimeoutSeconds: Int
    public var statementTimeoutMilliseconds: Int
    public var shutdownGraceSeconds: Int
    public var attemptSweepSeconds: Int
    public var selfRegistration: Bool
    public var sessionLifetimeHours: Int
    public var passwordHashCost: Int
    public var passwordHashThreads: Int
    public var passwordHashQueue: Int
    public var loginAccountFailures: Int
    public var loginAddressFailures: Int
    public var loginFailureWindowSeconds: Int
    public var registrationsPerAddressHour: Int
    public var enrollmentKeyFailures: Int
    public var trustedProxies: TrustedProxies
    public var languages: [String]
    public var maxUploadBytes: Int
    /// Seals signing secrets and the certificate private key in the database; nil: stored plain.
    public var secretSealer: SecretSealer?
    /// The bucket that holds uploaded files; nil: the folder `dataDirectory/blobs`.
    public var blobBucket: S3Bucket.Settings?
    /// A streaming replica for reads that tolerate a little lag; nil: every read on the primary.
    public var databaseReplicaURL: DatabaseURL?
    public var replicaMaxLagSeconds: Int
    /// How long before a live session starts its links appear and check-in opens.
    public var liveLinkLeadMinutes: Int

    /// The variables academy reads, with what each accepts and its default; the README's
    /// configuration table is written from this list.
    public static let settings: [Setting] = [
        Setting("ACADEMY_DATABASE_URL", accepts: "postgres://user:password@host:port/database[?sslmode=disable|prefer|require]", default: nil),
        Setting("ACADEMY_DATABASE_REPLICA_URL", accepts: "postgres://… of a streaming replica of that database, for the catalogue and certificate verification (empty: none)", default: ""),
        Setting("ACADEMY_REPLICA_MAX_LAG_SECONDS", accepts: "an integer from 1 to 3600: further behind than this, the replica is not read", default: "5"),
        Setting("ACADEMY_HOST", accepts: "an address to listen on", default: "127.0.0.1"),
        Setting("ACADEMY_PORT", accepts: "an integer from 0 to 65535 (0 picks a free port)", default: "8080"),
        Setting("ACADEMY_LISTEN_BACKLOG", accepts: "an integer from 16 to 65535 (the kernel caps it at net.core.somaxconn)", default: "4096"),
        Setting("ACADEMY_MAX_REQUESTS_IN_FLIGHT", accepts: "an integer from 1 to 100000", default: "64"),
        Setting("ACADEMY_MAX_CONNECTIONS", accepts: "an integer from 1 to 1000000 (each takes a file descriptor)", default: "10000"),
        Setting("ACADEMY_IDLE_TIMEOUT_SECONDS", accepts: "an integer from 1 to 3600", default: "30"),
        Setting("ACADEMY_DATA_DIR", accepts: "a folder for uploaded files", default: ".data"),
        Setting("ACADEMY_BLOB_STORE", accepts: "local (uploaded files under ACADEMY_DATA_DIR/blobs) or s3 (in the S3-compatible bucket ACADEMY_S3_*)", default: "local"),
        Setting("ACADEMY_S3_ENDPOINT", accepts: "http(s)://host[:port] of an S3-compatible server such as MinIO or Ceph (the bucket is named in the path); empty: AWS S3 in ACADEMY_S3_REGION", default: ""),
        Setting("ACADEMY_S3_REGION", accepts: "the bucket's region, such as eu-central-1 (lowercase letters, digits and hyphens)", default: "us-east-1"),
        Setting("ACADEMY_S3_BUCKET", accepts: "the bucket's name: 3–63 lowercase letters, digits, dots and hyphens", default: ""),
        Setting("ACADEMY_S3_ACCESS_KEY_ID", accepts: "the id of the bucket's access key (or ACADEMY_S3_CREDENTIALS_FILE)", default: ""),
        Setting("ACADEMY_S3_SECRET_ACCESS_KEY", accepts: "its secret (or ACADEMY_S3_CREDENTIALS_FILE)", default: ""),
        Setting("ACADEMY_S3_CREDENTIALS_FILE", accepts: "a file in the AWS shared credentials format whose [default] profile holds aws_access_key_id and aws_secret_access_key; empty: the two variables above", default: ""),
        Setting("ACADEMY_LOG_LEVEL", accepts: "trace, debug, info, notice, warning, error or critical", default: "info"),
        Setting("ACADEMY_MAX_BODY_BYTES", accepts: "an integer from 1024 to 1073741824", default: "2097152"),
        Setting("ACADEMY_MAX_UPLOAD_BYTES", accepts: "an integer from 1024 to 17179869184", default: "536870912"),
        Setting("ACADEMY_AUTO_MIGRATE", accepts: "true or false", default: "true"),
        Setting("ACADEMY_DATABASE_POOL_SIZE", accepts: "an integer from 1 to 500", default: "20"),
        Setting("ACADEMY_DATABASE_TIMEOUT_SECONDS", accepts: "an integer from 1 to 300", default: "5"),
        Setting("ACADEMY_STATEMENT_TIMEOUT_MS", accepts: "an integer from 0 (no limit) to 3600000", default: "15000"),
        Setting("ACADEMY_SHUTDOWN_GRACE_SECONDS", accepts: "an integer from 1 to 600", default: "30"),
        Setting("ACADEMY_ATTEMPT_SWEEP_SECONDS", accepts: "an integer from 1 to 3600", default: "15"),
        Setting("ACADEMY_SELF_REGISTRATION", accepts: "true or false", default: "true"),
        Setting("ACADEMY_SESSION_LIFETIME_HOURS", accepts: "an integer from 1 to 8760", default: "720"),
        Setting("ACADEMY_PASSWORD_HASH_COST", accepts: "log2 of scrypt's N, an integer from 10 to 20 (17 is OWASP's; lower only for tests)", default: "17"),
        Setting("ACADEMY_PASSWORD_HASH_THREADS", accepts: "an integer from 1 to 64 (default: the number of cores)", default: String(ProcessInfo.processInfo.activeProcessorCount)),
        Setting("ACADEMY_PASSWORD_HASH_QUEUE", accepts: "an integer from 0 to 10000", default: "16"),
        Setting("ACADEMY_LOGIN_ACCOUNT_FAILURES", accepts: "an integer from 1 to 1000", default: "10"),
        Setting("ACADEMY_LOGIN_ADDRESS_FAILURES", accepts: "an integer from 1 to 100000", default: "200"),
        Setting("ACADEMY_LOGIN_FAILURE_WINDOW_SECONDS", accepts: "an integer from 60 to 86400", default: "900"),
        Setting("ACADEMY_REGISTRATIONS_PER_ADDRESS_HOUR", accepts: "an integer from 1 to 100000", default: "20"),
        Setting("ACADEMY_ENROLLMENT_KEY_FAILURES", accepts: "an integer from 1 to 1000", default: "5"),
        Setting("ACADEMY_TRUSTED_PROXIES", accepts: "comma-separated addresses or CIDR ranges of reverse proxies, such as 127.0.0.1,10.0.0.0/8 (empty: none)", default: ""),
        Setting("ACADEMY_SECRETS_KEY_FILE", accepts: "the path of a file holding a 32-byte key as 64 hex digits (openssl rand -hex 32), readable by academy alone; empty: signing secrets stored unencrypted", default: ""),
        Setting("ACADEMY_LIVE_LINK_LEAD_MINUTES", accepts: "an integer from 0 to 1440: how long before a live session starts its links appear to students and check-in opens", default: "15"),
        Setting("ACADEMY_LANGUAGES", accepts: "comma-separated language codes of 2–3 letters, such as ar,en,fr", default: Languages.academyDefault.joined(separator: ",")),
    ]

    public struct Setting: Sendable {
        public let variable: String
        public let accepts: String
        public let defaultValue: String?

        init(_ variable: String, accepts: String, default defaultValue: String?) {
            self.variable = variable
            self.accepts = accepts
            self.defaultValue = defaultValue
        }
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        var reader = EnvironmentReader(environment: environment)
        let databaseURL = reader.databaseURL()
        let host = reader.string("ACADEMY_HOST")
        let port = reader.integer("ACADEMY_PORT", in: 0...65535)
        let listenBacklog = reader.integer("ACADEMY_LISTEN_BACKLOG", in: 16...65535)
        let maxRequestsInFlight = reader.integer("ACADEMY_MAX_REQUESTS_IN_FLIGHT", in: 1...100_000)
        let maxConnections = reader.integer("ACADEMY_MAX_CONNECTIONS", in: 1...1_000_000)
        let idleTimeout = reader.integer("ACADEMY_IDLE_TIMEOUT_SECONDS", in: 1...3600)
        let dataDirectory = reader.string("ACADEMY_DATA_DIR")
        let logLevel = reader.logLevel("ACADEMY_LOG_LEVEL")
        let maxBodyBytes = reader.integer("ACADEMY_MAX_BODY_BYTES", in: 1024...1_073_741_824)
        let maxUploadBytes = reader.integer("ACADEMY_MAX_UPLOAD_BYTES", in: 1024...17_179_869_184)
        let autoMigrate = reader.boolean("ACADEMY_AUTO_MIGRATE")
        let poolSize = reader.integer("ACADEMY_DATABASE_POOL_SIZE", in: 1...500)
        let timeout = reader.integer("ACADEMY_DATABASE_TIMEOUT_SECONDS", in: 1...300)
        let statementTimeout = reader.integer("ACADEMY_STATEMENT_TIMEOUT_MS", in: 0...3_600_000)
        let shutdownGrace = reader.integer("ACADEMY_SHUTDOWN_GRACE_SECONDS", in: 1...600)
        let attemptSweep = reader.integer("ACADEMY_ATTEMPT_SWEEP_SECONDS", in: 1...3600)
        let selfRegistration = reader.boolean("ACADEMY_SELF_REGISTRATION")
        let sessionLifetime = reader.integer("ACADEMY_SESSION_LIFETIME_HOURS", in: 1...8760)
        let hashCost = reader.integer("ACADEMY_PASSWORD_HASH_COST", in: 10...20)
        let hashThreads = reader.integer("ACADEMY_PASSWORD_HASH_THREADS", in: 1...64)
        let hashQueue = reader.integer("ACADEMY_PASSWORD_HASH_QUEUE", in: 0...10000)
        let accountFailures = reader.integer("ACADEMY_LOGIN_ACCOUNT_FAILURES", in: 1...1000)
        let addressFailures = reader.integer("ACADEMY_LOGIN_ADDRESS_FAILURES", in: 1...100_000)
        let failureWindow = reader.integer("ACADEMY_LOGIN_FAILURE_WINDOW_SECONDS", in: 60...86400)
        let registrationsPerAddress = reader.integer("ACADEMY_REGISTRATIONS_PER_ADDRESS_HOUR", in: 1...100_000)
        let enrollmentKeyFailures = reader.integer("ACADEMY_ENROLLMENT_KEY_FAILURES", in: 1...1000)
        let trustedProxies = reader.trustedProxies("ACADEMY_TRUSTED_PROXIES")
        let languages = reader.languages("ACADEMY_LANGUAGES")
        let secrets = reader.secretSealer("ACADEMY_SECRETS_KEY_FILE")
        let blobBucket = reader.blobBucket()
        let replicaURL = reader.replicaURL("ACADEMY_DATABASE_REPLICA_URL")
        let replicaMaxLag = reader.integer("ACADEMY_REPLICA_MAX_LAG_SECONDS", in: 1...3600)
        let liveLinkLead = reader.integer("ACADEMY_LIVE_LINK_LEAD_MINUTES", in: 0...1440)
        reader.rejectUnknownVariables()

        guard reader.problems.isEmpty, let databaseURL, let host, let port, let listenBacklog, let maxRequestsInFlight, let maxConnections, let idleTimeout, let dataDirectory, let logLevel,
              let maxBodyBytes, let autoMigrate, let poolSize, let timeout, let statementTimeout, let shutdownGrace, let attemptSweep,
              let selfRegistration, let sessionLifetime, let hashCost, let hashThreads, let hashQueue,
              let accountFailures, let addressFailures, let failureWindow, let registrationsPerAddress, let enrollmentKeyFailures, let trustedProxies, let languages, let maxUploadBytes, let secrets, let blobBucket,
              let replicaURL, let replicaMaxLag, let liveLinkLead
        else {
            throw ConfigurationError(problems: reader.problems)
        }
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.listenBacklog = listenBacklog
        self.maxRequestsInFlight = maxRequestsInFlight
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeout
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.autoMigrate = autoMigrate
        self.databasePoolSize = poolSize
        self.databaseTimeoutSeconds = timeout
        self.statementTimeoutMilliseconds = statementTimeout
        self.shutdownGraceSeconds = shutdownGrace
        self.attemptSweepSeconds = attemptSweep
        self.selfRegistration = selfRegistration
        self.sessionLifetimeHours = sessionLifetime
        self.passwordHashCost = hashCost
        self.passwordHashThreads = hashThreads
        self.passwordHashQueue = hashQueue
        self.loginAccountFailures = accountFailures
        self.loginAddressFailures = addressFailures
        self.loginFailureWindowSeconds = failureWindow
        self.registrationsPerAddressHour = registrationsPerAddress
        self.enrollmentKeyFailures = enrollmentKeyFailures
        self.trustedProxies = trustedProxies
        self.languages = languages
        self.maxUploadBytes = maxUploadBytes
        self.secretSealer = secrets
        self.blobBucket = blobBucket
        self.databaseReplicaURL = replicaURL
        self.replicaMaxLagSeconds = replicaMaxLag
        self.liveLinkLeadMinutes = liveLinkLead
    }
}

/// All the bad settings of one start, each naming its variable and what it accepts.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public let variable: String
        public let message: String

        public init(variable: String, message: String) {
            self.variable = variable
            self.message = message
        }
    }

    public let problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    public var description: String {
        (["Invalid configuration:"] + problems.map { "  \($0.variable): \($0.message)" }).joined(separator: "\n")
    }
}

/// Reads variables, falling back to each setting's default and collecting problems instead of
/// stopping at the first.
private struct EnvironmentReader {
    let environment: [String: String]
    var problems: [ConfigurationError.Problem] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    private func raw(_ variable: String) -> String? {
        if let value = environment[variable] { return value }
        return AppConfiguration.settings.first { $0.variable == variable }?.defaultValue
    }

    private mutating func reject(_ variable: String, value: String?) {
        let accepts = AppConfiguration.settings.first { $0.variable == variable }?.accepts ?? "a valid value"
        let message = value.map { "\"\($0)\" is not valid; expected \(accepts)" } ?? "is empty; expected \(accepts)"
        problems.append(.init(variable: variable, message: message))
    }

    mutating func string(_ variable: String) -> String? {
        guard let value = raw(variable), !value.isEmpty else {
            reject(variable, value: nil)
            return nil
        }
        return value
    }

    mutating func integer(_ variable: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = raw(variable), let integer = Int(value), range.contains(integer) else {
            reject(variable, value: raw(variable))
            return nil
        }
        return integer
    }

    mutating func boolean(_ variable: String) -> Bool? {
        switch raw(variable)?.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default:
            reject(variable, value: raw(variable))
            return nil
        }
    }

    mutating func logLevel(_ variable: String) -> Logger.Level? {
        guard let value = raw(variable), let level = Logger.Level(rawValue: value.lowercased()) else {
            reject(variable, value: raw(variable))
            return nil
        }
        return level
    }

    mutating func trustedProxies(_ variable: String) -> TrustedProxies? {
        switch TrustedProxies.parse(raw(variable) ?? "") {
        case .success(let proxies): return proxies
        case .failure(let failure):
            problems.append(.init(variable: variable, message: "\"\(failure.entry)\" is neither an IP address nor a CIDR range"))
            return nil
        }
    }

    mutating func languages(_ variable: String) -> [String]? {
        let raw = raw(variable) ?? ""
        let languages = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !languages.isEmpty, Set(languages).count == languages.count,
              languages.allSatisfy({ (2...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isLetter } })
        else {
            reject(variable, value: raw)
            return nil
        }
        return languages
    }

    /// The key that seals secrets at rest, read from its file: `.some(nil)` when no file is
    /// named, nil when the file is wrong. Neither the key nor the file's content is ever echoed.
    mutating func secretSealer(_ variable: String) -> SecretSealer?? {
        guard let path = raw(variable), !path.isEmpty else { return .some(nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(.init(variable: variable, message: "\(path) cannot be read"))
            return nil
        }
        guard let sealer = SecretSealer(hexKey: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            problems.append(.init(variable: variable, message: "\(path) must hold exactly 64 hex digits (make one with: openssl rand -hex 32)"))
            return nil
        }
        return .some(sealer)
    }

    /// Where uploaded files go: `.some(nil)` for the folder, the bucket for `s3`, nil when a
    /// setting is wrong. The secret key is never echoed.
    mutating func blobBucket() -> S3Bucket.Settings?? {
        let problemsBefore = problems.count
        switch raw("ACADEMY_BLOB_STORE")?.lowercased() {
        case "local": return .some(nil)
        case "s3": break
        case let other:
            reject("ACADEMY_BLOB_STORE", value: other)
            return nil
        }
        var endpoint: String?
        if let raw = raw("ACADEMY_S3_ENDPOINT"), !raw.isEmpty {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
               url.user == nil, url.query == nil, ["", "/"].contains(url.path) {
                endpoint = raw
            } else {
                reject("ACADEMY_S3_ENDPOINT", value: raw)
            }
        }
        let region = string("ACADEMY_S3_REGION").flatMap { region in
            if region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) { return region }
            reject("ACADEMY_S3_REGION", value: region)
            return nil
        }
        let bucket = string("ACADEMY_S3_BUCKET").flatMap { bucket in
            if (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }) { return bucket }
            reject("ACADEMY_S3_BUCKET", value: bucket)
            return nil
        }
        guard let credentials = s3Credentials(), let region, let bucket, problems.count == problemsBefore else { return nil }
        return .some(S3Bucket.Settings(
            endpoint: endpoint, region: region, bucket: bucket, accessKeyID: credentials.id, secretAccessKey: credentials.secret
        ))
    }

    /// The bucket's key: from the AWS shared credentials file named by
    /// `ACADEMY_S3_CREDENTIALS_FILE` (its `[default]` profile), else from the two variables.
    private mutating func s3Credentials() -> (id: String, secret: String)? {
        if let path = raw("ACADEMY_S3_CREDENTIALS_FILE"), !path.isEmpty {
            let variable = "ACADEMY_S3_CREDENTIALS_FILE"
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(.init(variable: variable, message: "\(path) cannot be read"))
                return nil
            }
            var section = "default"
            var values: [String: String] = [:]
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let line = line.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") && line.hasSuffix("]") {
                    section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                } else if section == "default", let equals = line.firstIndex(of: "="), !line.hasPrefix("#"), !line.hasPrefix(";") {
                    values[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                }
            }
            guard let id = values["aws_access_key_id"], !id.isEmpty, let secret = values["aws_secret_access_key"], !secret.isEmpty else {
                problems.append(.init(variable: variable, message: "\(path) has no aws_access_key_id and aws_secret_access_key in its [default] profile"))
                return nil
            }
            return (id, secret)
        }
        let id = raw("ACADEMY_S3_ACCESS_KEY_ID") ?? ""
        let secret = raw("ACADEMY_S3_SECRET_ACCESS_KEY") ?? ""
        if id.isEmpty { reject("ACADEMY_S3_ACCESS_KEY_ID", value: nil) }
        if secret.isEmpty {
            problems.append(.init(variable: "ACADEMY_S3_SECRET_ACCESS_KEY", message: "is empty; set it or ACADEMY_S3_CREDENTIALS_FILE"))
        }
        return id.isEmpty || secret.isEmpty ? nil : (id, secret)
    }

    /// The replica's URL, `.some(nil)` when none is set; never echoed back, as the primary's.
    mutating func replicaURL(_ variable: String) -> DatabaseURL?? {
        guard let value = raw(variable), !value.isEmpty else { return .some(nil) }
        do {
            return .some(try DatabaseURL(value))
        } catch {
            problems.append(.init(variable: variable, message: "\(error.description)"))
            return nil
        }
    }

    /// The URL is never echoed back: it usually carries a password.
    mutating func databaseURL() -> DatabaseURL? {
        let variable = "ACADEMY_DATABASE_URL"
        guard let value = raw(variable), !value.isEmpty else {
            problems.append(.init(variable: variable, message: "is not set; expected postgres://user:password@host:port/database"))
            return nil
        }
        do {
            return try DatabaseURL(value)
        } catch {
            problems.append(.init(variable: variable, message: "\(error.description)"))
            return nil
        }
    }

    /// A misspelt variable would otherwise be ignored without a word.
    mutating func rejectUnknownVariables() {
        let known = Set(AppConfiguration.settings.map(\.variable))
        for variable in environment.keys.sorted() where variable.hasPrefix("ACADEMY_") && !known.contains(variable) {
            let message = variable == "ACADEMY_TRUST_PROXY"
                ? "was replaced by ACADEMY_TRUSTED_PROXIES, the addresses of the proxies to believe"
                : "is not a setting academy knows; see `academy serve --help` for the list"
            problems.append(.init(variable: variable, message: message))
        }
    }
}
