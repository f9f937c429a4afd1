import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL database is and how to reach it, from
/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
struct PostgresLocation {
    enum TLSMode {
        case disable, prefer, require
    }

    let host: String
    let port: Int
    let username: String
    let password: String?
    let database: String
    let tls: TLSMode

    init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw StoreError("invalid PostgreSQL URL; expected postgres://user:password@host:port/database")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer
        case "require", "verify-full", "verify-ca": tls = .require
        case let mode: throw StoreError("unknown sslmode '\(mode)'; use disable, prefer or require")
        }
    }

    /// For the connection pool.
    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// For a single connection.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}
