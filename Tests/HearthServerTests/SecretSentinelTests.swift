import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// The issue's sentinel test: a secret's plaintext is nowhere on disk, neither in Hearth's data
/// directory (the SQLite database, its WAL and shared memory, the keys) nor in PostgreSQL's data
/// directory (tables, WAL), while its name, stored in clear, is found there: the scan works.
@Suite("Secrets at rest")
struct SecretSentinelTests {
    @Test("a sentinel secret's plaintext is not found in the data directory or the PostgreSQL data", arguments: Backend.enabled)
    func sentinel(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let marker = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let name = "sentinel-name-\(marker.prefix(16))"
            let sentinel = "SENTINEL-PLAINTEXT-\(marker)"
            try await api.createNamespace("vault")
            for _ in 0..<3 {
                let written = try await api.request(.put, "/v1/namespaces/vault/secrets/\(name)", json: #"{"value":"\#(sentinel)"}"#)
                #expect(written.status == 200, "\(written.text)")
            }
            // A binary value too, and one deleted: neither leaves plaintext behind.
            let binary = Data("BINARY-\(sentinel)".utf8) + Data([0xff, 0xfe])
            try await api.request(.put, "/v1/namespaces/vault/secrets/bin", json: #"{"valueBase64":"\#(binary.base64EncodedString())"}"#)
            try await api.request(.delete, "/v1/namespaces/vault/secrets/bin")
            #expect(try await api.request(.get, "/v1/namespaces/vault/secrets/\(name)").json["value"]?.stringValue == sentinel)

            var directories = [api.dataDirectory]
            if backend == .postgres {
                // This test's database (its tables' files) and the write-ahead log: where the
                // rows went. (The whole shared server holds every other test's databases too.)
                let url = try #require(api.server.configuration.databaseURL)
                try await TestPostgres.execute("CHECKPOINT", in: url)
                let oid = try await TestPostgres.execute("SELECT oid FROM pg_database WHERE datname = current_database()", in: url)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let root = try await TestPostgres.dataDirectory().path
                directories += [root + "/base/" + oid, root + "/pg_wal", root + "/global"]
            }
            var nameFound: [String] = []
            for directory in directories {
                let scan = try await Self.scanOffThePool(directory, for: [Data(sentinel.utf8), Data(name.utf8)])
                #expect(scan.files > 0, "nothing scanned in \(directory)")
                #expect(scan.found[Data(sentinel.utf8)] == nil, "the plaintext is in \(scan.found[Data(sentinel.utf8)] ?? []) under \(directory)")
                nameFound += scan.found[Data(name.utf8)] ?? []
            }
            // The name is stored in clear (in the database's files): finding it shows the scan
            // reads where the data is.
            #expect(!nameFound.isEmpty, "the secret's name was found nowhere: the scan missed the database")
        }
    }

    /// ``scan(_:for:)`` on a thread of its own: reading files must not hold one of the few
    /// threads every other test's server runs on.
    static func scanOffThePool(_ directory: String, for needles: [Data]) async throws -> (files: Int, found: [Data: [String]]) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try scan(directory, for: needles) })
            }
        }
    }

    /// Every regular file under `directory`, searched for each needle.
    static func scan(_ directory: String, for needles: [Data]) throws -> (files: Int, found: [Data: [String]]) {
        var files = 0
        var found: [Data: [String]] = [:]
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return (0, [:]) }
        for case let relative as String in walker {
            let path = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                // Files come and go under a running server (temporary files, sockets).
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            files += 1
            for needle in needles where data.range(of: needle) != nil {
                found[needle, default: []].append(relative)
            }
        }
        return (files, found)
    }
}
