import Foundation
import HearthCore
import HearthStore
import HearthTestSupport
import Logging

/// A fresh place for a store of one backend: a temporary directory of its own (the SQLite file
/// lives in it) and, for PostgreSQL, a new database on the shared test server.
struct StoreFixture: Sendable {
    let backend: Backend
    let directory: URL
    let configuration: StoreConfiguration

    static let logger: Logger = {
        var logger = Logger(label: "hearth.store-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Calls `body` with a fresh fixture and removes its directory afterwards.
    static func with<T: Sendable>(_ backend: Backend, _ body: (StoreFixture) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hearth-store-test-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration =
            switch backend {
            case .sqlite: StoreConfiguration(backend: .sqlite(path: directory.appendingPathComponent("hearth.db").path))
            case .postgres: StoreConfiguration(backend: .postgres(url: try await TestPostgres.createDatabase()))
            }
        return try await body(StoreFixture(backend: backend, directory: directory, configuration: configuration))
    }

    /// The SQLite file, for the SQLite backend.
    var sqlitePath: String? {
        if case .sqlite(let path) = configuration.backend { return path }
        return nil
    }

    /// The PostgreSQL URL, for the PostgreSQL backend.
    var postgresURL: String? {
        if case .postgres(let url) = configuration.backend { return url }
        return nil
    }

    /// A new, not yet running store on this fixture's database, with the test types.
    func makeStore() throws -> Store {
        try Store(configuration: configuration, registry: TestTypes.registry, logger: Self.logger)
    }

    /// Runs a new store (its `run()` in a child task), waits until it is ready, calls `body`, and
    /// stops the store again, whether `body` returns or throws.
    @discardableResult
    func withStore<T: Sendable>(_ body: (Store) async throws -> T) async throws -> T {
        let store = try makeStore()
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await store.run() }
            try await store.waitUntilReady()
            let result = try await body(store)
            group.cancelAll()
            // Wait for the store to stop; cancellation may end run() with a CancellationError.
            while let _ = try? await group.next() {}
            return result
        }
    }

    /// Runs SQL on this fixture's database outside the store: `sqlite3` for SQLite, `psql` for
    /// PostgreSQL.
    func executeSQL(_ sql: String) async throws {
        switch configuration.backend {
        case .sqlite(let path):
            guard let sqlite3 = Command.find("sqlite3", candidates: ["/usr/bin/sqlite3"]) else {
                throw Command.Failure("the sqlite3 command-line tool is missing; apt-get install sqlite3 (scripts/test does this)")
            }
            try await Command.run(sqlite3, [path, sql], in: directory, timeout: .seconds(30))
        case .postgres(let url):
            try await TestPostgres.execute(sql, in: url)
        }
    }
}
