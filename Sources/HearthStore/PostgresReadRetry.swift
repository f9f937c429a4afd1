import Logging
import PostgresNIO

/// Runs a read again when the pooled connection it ran on turned out to be gone.
///
/// When PostgreSQL drops connections (a restart, a failover, `pg_terminate_backend`), the pool
/// learns of each only when its socket closes; a read handed a connection in that window fails,
/// although the next connection would serve it. Reads are idempotent, so they are retried at once
/// on such a failure, a few times (each failed attempt takes a dead connection out of the pool).
/// Any other error, and a read that still fails, go to the caller. Writes are not retried here:
/// the store's writer has its own reconnecting loop, and an unacknowledged write is the client's
/// to retry.
enum PostgresReadRetry {
    /// Attempts in all, the first included.
    static let attempts = 4

    static func run<T>(logger: Logger, _ read: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await read()
            } catch where attempt < attempts && isConnectionLoss(error) {
                logger.debug("a read lost its connection; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                attempt += 1
            }
        }
    }

    /// Whether the error says the connection went away (rather than that the query was wrong).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
            return ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState] ?? "")
        default:
            return false
        }
    }
}
