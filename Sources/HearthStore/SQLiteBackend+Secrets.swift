import HearthCore

extension SQLiteBackend {
    func secretVersions(namespace: String, name: String, version: Int64?, withSealed: Bool) async throws -> [StoredSecretVersion] {
        try withReader { db in
            try SQLiteSecrets.versions(db, namespace: namespace, name: name, version: version, withSealed: withSealed)
        }
    }

    func secretVersions(namespace: String) async throws -> [StoredSecretVersion] {
        try withReader { db in
            try db.rows(
                "SELECT \(SQLiteSecrets.columns(withSealed: false)) FROM secrets WHERE namespace = ? ORDER BY name, version", [.text(namespace)],
                SQLiteSecrets.row)
        }
    }

    func secretKeyUsage() async throws -> [String: Int] {
        try withReader { db in
            var usage: [String: Int] = [:]
            try db.query("SELECT master_key, COUNT(*) FROM secrets WHERE master_key IS NOT NULL GROUP BY master_key") { row in
                usage[row.text(0)] = Int(row.int(1))
            }
            return usage
        }
    }
}

extension SQLiteTransaction {
    func purgeNamespaceData(_ namespace: String) async throws {
        try db.query("DELETE FROM secrets WHERE namespace = ?", [.text(namespace)])
    }

    func secretVersions(namespace: String, name: String, withSealed: Bool) async throws -> [StoredSecretVersion] {
        try SQLiteSecrets.versions(db, namespace: namespace, name: name, version: nil, withSealed: withSealed)
    }

    func insertSecretVersion(_ version: StoredSecretVersion) async throws -> Bool {
        try db.query(
            "INSERT OR IGNORE INTO secrets (namespace, name, version, sealed, master_key, created_ms, deleted_ms, destroyed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(version.namespace), .text(version.name), .int(version.version), version.sealed.map { .text($0) } ?? .null,
                version.masterKeyID.map { .text($0) } ?? .null, .int(version.createdMillis), version.deletedMillis.map { .int($0) } ?? .null,
                version.destroyedMillis.map { .int($0) } ?? .null,
            ])
        return db.changes == 1
    }

    func markSecretVersions(namespace: String, name: String, versions: [Int64], deletedMillis: Int64?) async throws {
        guard !versions.isEmpty else { return }
        try db.query(
            "UPDATE secrets SET deleted_ms = ? WHERE namespace = ? AND name = ? AND destroyed_ms IS NULL AND version IN (\(SQLiteSecrets.placeholders(versions.count)))",
            [deletedMillis.map { .int($0) } ?? .null, .text(namespace), .text(name)] + versions.map { .int($0) })
    }

    func destroySecretVersions(namespace: String, name: String, versions: [Int64], atMillis: Int64) async throws {
        guard !versions.isEmpty else { return }
        try db.query(
            "UPDATE secrets SET sealed = NULL, master_key = NULL, destroyed_ms = COALESCE(destroyed_ms, ?) WHERE namespace = ? AND name = ? AND version IN (\(SQLiteSecrets.placeholders(versions.count)))",
            [.int(atMillis), .text(namespace), .text(name)] + versions.map { .int($0) })
    }

    func deleteSecretVersions(namespace: String, name: String, through version: Int64?) async throws {
        if let version {
            try db.query("DELETE FROM secrets WHERE namespace = ? AND name = ? AND version <= ?", [.text(namespace), .text(name), .int(version)])
        } else {
            try db.query("DELETE FROM secrets WHERE namespace = ? AND name = ?", [.text(namespace), .text(name)])
        }
    }

    func secretVersionsSealed(under keyIDs: [String], limit: Int) async throws -> [StoredSecretVersion] {
        guard !keyIDs.isEmpty else { return [] }
        return try db.rows(
            "SELECT \(SQLiteSecrets.columns(withSealed: true)) FROM secrets WHERE master_key IN (\(SQLiteSecrets.placeholders(keyIDs.count))) LIMIT ?",
            keyIDs.map { .text($0) } + [.int(Int64(limit))], SQLiteSecrets.row)
    }

    func replaceSealedSecret(namespace: String, name: String, version: Int64, sealed: String, masterKeyID: String) async throws {
        try db.query(
            "UPDATE secrets SET sealed = ?, master_key = ? WHERE namespace = ? AND name = ? AND version = ? AND sealed IS NOT NULL",
            [.text(sealed), .text(masterKeyID), .text(namespace), .text(name), .int(version)])
    }
}

enum SQLiteSecrets {
    static func columns(withSealed: Bool) -> String {
        "namespace, name, version, \(withSealed ? "sealed" : "NULL"), master_key, created_ms, deleted_ms, destroyed_ms"
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    static func versions(_ db: SQLiteConnection, namespace: String, name: String, version: Int64?, withSealed: Bool) throws -> [StoredSecretVersion] {
        var sql = "SELECT \(columns(withSealed: withSealed)) FROM secrets WHERE namespace = ? AND name = ?"
        var bindings: [SQLiteValue] = [.text(namespace), .text(name)]
        if let version {
            sql += " AND version = ?"
            bindings.append(.int(version))
        }
        return try db.rows(sql + " ORDER BY version", bindings, row)
    }

    static func row(_ row: SQLiteRow) -> StoredSecretVersion {
        StoredSecretVersion(
            namespace: row.text(0), name: row.text(1), version: row.int(2), sealed: row.isNull(3) ? nil : row.text(3),
            masterKeyID: row.isNull(4) ? nil : row.text(4), createdMillis: row.int(5), deletedMillis: row.isNull(6) ? nil : row.int(6),
            destroyedMillis: row.isNull(7) ? nil : row.int(7))
    }
}
