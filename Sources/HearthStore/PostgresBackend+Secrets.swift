import HearthCore
import PostgresNIO

extension PostgresBackend {
    func secretVersions(namespace: String, name: String, version: Int64?, withSealed: Bool) async throws -> [StoredSecretVersion] {
        let query: PostgresQuery =
            switch (version, withSealed) {
            case (let version?, true):
                "SELECT namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) AND version = \(version)"
            case (let version?, false):
                "SELECT namespace, name, version, NULL::TEXT, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) AND version = \(version)"
            case (nil, true):
                "SELECT namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) ORDER BY version"
            case (nil, false):
                "SELECT namespace, name, version, NULL::TEXT, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) ORDER BY version"
            }
        return try await reading { try await PostgresSecrets.versions(try await client.query(query, logger: logger)) }
    }

    func secretVersions(namespace: String) async throws -> [StoredSecretVersion] {
        try await reading {
            try await PostgresSecrets.versions(
                try await client.query(
                    "SELECT namespace, name, version, NULL::TEXT, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) ORDER BY name, version",
                    logger: logger))
        }
    }

    func secretKeyUsage() async throws -> [String: Int] {
        try await reading {
            var usage: [String: Int] = [:]
            let rows = try await client.query(
                "SELECT master_key, COUNT(*) FROM secrets WHERE master_key IS NOT NULL GROUP BY master_key", logger: logger)
            for try await (key, count) in rows.decode((String, Int64).self) { usage[key] = Int(count) }
            return usage
        }
    }
}

extension PostgresTransaction {
    func purgeNamespaceData(_ namespace: String) async throws {
        try await run("DELETE FROM secrets WHERE namespace = \(namespace)")
    }

    func secretVersions(namespace: String, name: String, withSealed: Bool) async throws -> [StoredSecretVersion] {
        let query: PostgresQuery =
            withSealed
            ? "SELECT namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) ORDER BY version FOR UPDATE"
            : "SELECT namespace, name, version, NULL::TEXT, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE namespace = \(namespace) AND name = \(name) ORDER BY version FOR UPDATE"
        return try await PostgresSecrets.versions(try await connection.query(query, logger: logger))
    }

    func insertSecretVersion(_ version: StoredSecretVersion) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO secrets (namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms)
            VALUES (\(version.namespace), \(version.name), \(version.version), \(version.sealed), \(version.masterKeyID), \(version.createdMillis),
                    \(version.deletedMillis), \(version.destroyedMillis))
            ON CONFLICT (namespace, name, version) DO NOTHING RETURNING 1
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        return inserted
    }

    func markSecretVersions(namespace: String, name: String, versions: [Int64], deletedMillis: Int64?) async throws {
        guard !versions.isEmpty else { return }
        try await run(
            "UPDATE secrets SET deleted_ms = \(deletedMillis) WHERE namespace = \(namespace) AND name = \(name) AND destroyed_ms IS NULL AND version = ANY(\(versions))")
    }

    func destroySecretVersions(namespace: String, name: String, versions: [Int64], atMillis: Int64) async throws {
        guard !versions.isEmpty else { return }
        try await run(
            "UPDATE secrets SET sealed = NULL, master_key = NULL, destroyed_ms = COALESCE(destroyed_ms, \(atMillis)) WHERE namespace = \(namespace) AND name = \(name) AND version = ANY(\(versions))")
    }

    func deleteSecretVersions(namespace: String, name: String, through version: Int64?) async throws {
        if let version {
            try await run("DELETE FROM secrets WHERE namespace = \(namespace) AND name = \(name) AND version <= \(version)")
        } else {
            try await run("DELETE FROM secrets WHERE namespace = \(namespace) AND name = \(name)")
        }
    }

    func secretVersionsSealed(under keyIDs: [String], limit: Int) async throws -> [StoredSecretVersion] {
        guard !keyIDs.isEmpty else { return [] }
        return try await PostgresSecrets.versions(
            try await connection.query(
                "SELECT namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms FROM secrets WHERE master_key = ANY(\(keyIDs)) LIMIT \(Int64(limit)) FOR UPDATE",
                logger: logger))
    }

    func replaceSealedSecret(namespace: String, name: String, version: Int64, sealed: String, masterKeyID: String) async throws {
        try await run(
            "UPDATE secrets SET sealed = \(sealed), master_key = \(masterKeyID) WHERE namespace = \(namespace) AND name = \(name) AND version = \(version) AND sealed IS NOT NULL")
    }
}

enum PostgresSecrets {
    typealias Row = (String, String, Int64, String?, String?, Int64, Int64?, Int64?)

    static func versions(_ rows: PostgresRowSequence) async throws -> [StoredSecretVersion] {
        var versions: [StoredSecretVersion] = []
        for try await row in rows.decode(Row.self) {
            versions.append(
                StoredSecretVersion(
                    namespace: row.0, name: row.1, version: row.2, sealed: row.3, masterKeyID: row.4, createdMillis: row.5, deletedMillis: row.6,
                    destroyedMillis: row.7))
        }
        return versions
    }
}
