public import PostgresNIO
import Foundation
import NIOSSL

/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`, the form libpq,
/// psql and every PostgreSQL host hand out. A `host=/path/to/socket/dir` query item connects
/// through a unix socket instead of TCP.
public struct DatabaseURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    /// Parses the URL; the error message says what is wrong without echoing the password.
    public init(_ string: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: string),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw DatabaseURLError("must look like postgres://user:password@host:5432/database")
        }
        let queryItems = components.queryItems ?? []
        socketDirectory = queryItems.first { $0.name == "host" }?.value
        guard let host = components.host, !host.isEmpty || socketDirectory != nil else {
            throw DatabaseURLError("names no host")
        }
        self.host = host
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw DatabaseURLError("has a port outside 1–65535") }
        guard let user = components.user, !user.isEmpty else { throw DatabaseURLError("names no user") }
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty else { throw DatabaseURLError("names no database") }
        database = path.removingPercentEncoding ?? path
        let mode = queryItems.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let tlsMode = TLSMode(rawValue: mode) else {
            throw DatabaseURLError("has sslmode=\(mode); use one of disable, prefer, require")
        }
        self.tlsMode = tlsMode
    }

    /// The same URL with another database name: tests and scripts derive sibling databases from it.
    public func replacingDatabase(with name: String) -> DatabaseURL {
        var copy = self
        copy.database = name
        return copy
    }

    public func clientConfiguration() -> PostgresClient.Configuration {
        if let socketDirectory {
            return .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)",
                username: username, password: password, database: database
            )
        }
        let tls: PostgresClient.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

extension DatabaseURL {
    /// A pool as academy runs one (the primary's, the replica's): its size, how long a connection
    /// may take to open, and on every connection a `statement_timeout` (so that no runaway query
    /// holds one) and the name `pg_stat_activity` shows.
    public func poolConfiguration(
        size: Int, connectTimeoutSeconds: Int, statementTimeoutMilliseconds: Int, applicationName: String
    ) -> PostgresClient.Configuration {
        var configuration = clientConfiguration()
        configuration.options.maximumConnections = size
        configuration.options.connectTimeout = .seconds(Int64(connectTimeoutSeconds))
        configuration.options.additionalStartupParameters = [
            ("statement_timeout", String(statementTimeoutMilliseconds)),
            ("application_name", applicationName),
        ]
        return configuration
    }

    /// The same server for a single connection outside the pool (`DatabaseReachability`'s probe).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socketDirectory {
            return .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

public struct DatabaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
