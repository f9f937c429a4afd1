import HearthCore

/// Secrets: versions of sealed values, one table apart from resources (no change log, no
/// watches). The store keeps only what ``EnvelopeCipher`` sealed; it never sees a plaintext.
///
/// Writes go through the writer loop like every write: each checks, in its transaction, that the
/// namespace still exists, and commits its audit entry with it.
extension Store {
    /// Writes a new version of a secret: the latest version plus one (1 for a new secret).
    ///
    /// - Parameters:
    ///   - expectedVersion: check-and-set: write only if the latest version is this one (0: only
    ///     if the secret does not exist).
    ///   - keep: how many versions to keep; older ones are deleted with their ciphertext.
    ///   - audit: appended (with status 200) in the same transaction when the write is done.
    ///   - seal: seals the value for a version number (called in the transaction, once the number
    ///     is known); returns the sealed text and the master key id it names.
    /// - Returns: the new version, without its sealed value.
    /// - Throws: `HearthError(.notFound)` when the namespace does not exist, `.conflict` when the
    ///   check-and-set fails or another replica wrote the same version first.
    public func putSecret(
        namespace: String, name: String, expectedVersion: Int64?, keep: Int, audit: AuditEntry?,
        seal: @escaping @Sendable (Int64) throws -> (sealed: String, masterKeyID: String)
    ) async throws -> StoredSecretVersion {
        try await updateRecords { writer in
            let transaction = writer.transaction
            try await Self.requireNamespace(namespace, in: transaction)
            let versions = try await transaction.secretVersions(namespace: namespace, name: name, withSealed: false)
            let latest = versions.last?.version ?? 0
            if let expectedVersion, expectedVersion != latest {
                throw HearthError(
                    .conflict,
                    expectedVersion == 0
                        ? "secret '\(name)' already exists in namespace '\(namespace)' (version \(latest)); cas=0 writes only a new secret"
                        : "secret '\(name)' in namespace '\(namespace)' is at version \(latest), not \(expectedVersion): it changed since you read it")
            }
            let version = latest + 1
            let (sealed, keyID) = try seal(version)
            let row = StoredSecretVersion(
                namespace: namespace, name: name, version: version, sealed: sealed, masterKeyID: keyID, createdMillis: MutationEngine.nowMillis())
            guard try await transaction.insertSecretVersion(row) else {
                throw HearthError(.conflict, "secret '\(name)' in namespace '\(namespace)' was written at the same time by another replica; retry")
            }
            if version > Int64(max(keep, 1)) {
                try await transaction.deleteSecretVersions(namespace: namespace, name: name, through: version - Int64(max(keep, 1)))
            }
            if var audit {
                audit.status = 200
                try await writer.appendAudit(audit)
            }
            var answer = row
            answer.sealed = nil
            return answer
        }
    }

    /// Soft-deletes, undeletes or destroys versions of a secret, or removes it whole.
    /// - Returns: the versions left afterwards (without sealed values).
    /// - Throws: `HearthError(.notFound)` when the namespace or the secret does not exist, or a
    ///   version named is not kept; `.badRequest` for undeleting a destroyed version.
    public func changeSecret(namespace: String, name: String, _ change: SecretChange, audit: AuditEntry?) async throws -> [StoredSecretVersion] {
        try await updateRecords { writer in
            let transaction = writer.transaction
            try await Self.requireNamespace(namespace, in: transaction)
            let versions = try await transaction.secretVersions(namespace: namespace, name: name, withSealed: false)
            guard let latest = versions.last else {
                throw HearthError(.notFound, "secret '\(name)' not found in namespace '\(namespace)'")
            }
            let kept = Set(versions.map(\.version))
            func check(_ named: [Int64]) throws -> [Int64] {
                let missing = named.filter { !kept.contains($0) }
                guard missing.isEmpty else {
                    throw HearthError(
                        .notFound,
                        "secret '\(name)' in namespace '\(namespace)' has no version \(missing.map(String.init).joined(separator: ", ")) "
                            + "(kept: \(versions.map { String($0.version) }.joined(separator: ", ")))")
                }
                return Array(Set(named)).sorted()
            }
            let now = MutationEngine.nowMillis()
            var left: [StoredSecretVersion]
            switch change {
            case .delete(let named):
                let targets = try check(named.isEmpty ? [latest.version] : named)
                try await transaction.markSecretVersions(namespace: namespace, name: name, versions: targets, deletedMillis: now)
                left = versions.map { version in
                    var version = version
                    if targets.contains(version.version), version.destroyedMillis == nil, version.deletedMillis == nil { version.deletedMillis = now }
                    return version
                }
            case .undelete(let named):
                let targets = try check(named)
                let destroyed = versions.filter { targets.contains($0.version) && $0.destroyedMillis != nil }.map(\.version)
                guard destroyed.isEmpty else {
                    throw HearthError(
                        .badRequest,
                        "version \(destroyed.map(String.init).joined(separator: ", ")) of secret '\(name)' in namespace '\(namespace)' was destroyed and cannot be undeleted")
                }
                try await transaction.markSecretVersions(namespace: namespace, name: name, versions: targets, deletedMillis: nil)
                left = versions.map { version in
                    var version = version
                    if targets.contains(version.version) { version.deletedMillis = nil }
                    return version
                }
            case .destroy(let named):
                let targets = try check(named)
                try await transaction.destroySecretVersions(namespace: namespace, name: name, versions: targets, atMillis: now)
                left = versions.map { version in
                    var version = version
                    if targets.contains(version.version) {
                        version.masterKeyID = nil
                        version.destroyedMillis = version.destroyedMillis ?? now
                    }
                    return version
                }
            case .destroyAll:
                try await transaction.deleteSecretVersions(namespace: namespace, name: name, through: nil)
                left = []
            }
            if var audit {
                audit.status = 200
                try await writer.appendAudit(audit)
            }
            return left
        }
    }

    /// The versions of a secret, oldest first, without sealed values; empty when it does not exist.
    public func secretVersions(namespace: String, name: String) async throws -> [StoredSecretVersion] {
        try await secretRead { try await backend.secretVersions(namespace: namespace, name: name, version: nil, withSealed: false) }
    }

    /// One version of a secret with its sealed value (nil once destroyed); nil when it is not kept.
    public func sealedSecretVersion(namespace: String, name: String, version: Int64) async throws -> StoredSecretVersion? {
        try await secretRead { try await backend.secretVersions(namespace: namespace, name: name, version: version, withSealed: true).first }
    }

    /// Every version of every secret in a namespace, without sealed values, by name then version.
    public func secretVersions(namespace: String) async throws -> [StoredSecretVersion] {
        try await secretRead { try await backend.secretVersions(namespace: namespace) }
    }

    /// How many stored secret values each master key id seals (every replica's, on PostgreSQL).
    public func secretKeyUsage() async throws -> [String: Int] {
        try await secretRead { try await backend.secretKeyUsage() }
    }

    /// Rewraps up to `limit` stored values sealed under one of `keyIDs`, in one transaction of the
    /// writer (so no write to those rows can interleave). `rewrap` gets each version with its
    /// sealed value and returns the new sealed text and master key id, or nil to leave it (a value
    /// that does not open).
    /// - Returns: how many values were found and how many rewrapped (found fewer than `limit`:
    ///   none is left).
    public func rewrapSecrets(
        sealedUnder keyIDs: [String], limit: Int,
        rewrap: @escaping @Sendable (StoredSecretVersion) -> (sealed: String, masterKeyID: String)?
    ) async throws -> (found: Int, rewrapped: Int) {
        try await updateRecords { writer in
            let transaction = writer.transaction
            let rows = try await transaction.secretVersionsSealed(under: keyIDs, limit: limit)
            var rewrapped = 0
            for row in rows {
                guard let next = rewrap(row) else { continue }
                try await transaction.replaceSealedSecret(
                    namespace: row.namespace, name: row.name, version: row.version, sealed: next.sealed, masterKeyID: next.masterKeyID)
                rewrapped += 1
            }
            return (rows.count, rewrapped)
        }
    }

    private static func requireNamespace(_ namespace: String, in transaction: any StoreTransaction) async throws {
        guard try await transaction.exists(ResourceKey(type: BuiltinTypes.namespaceTypeName, name: namespace)) else {
            throw HearthError(.notFound, "namespace '\(namespace)' not found")
        }
    }

    private func secretRead<T>(_ body: () async throws -> T) async throws -> T {
        guard isReady else { throw HearthError(.unavailable, "the store is not ready or is shutting down") }
        do {
            return try await body()
        } catch let error as HearthError {
            throw error
        } catch {
            throw HearthError(.unavailable, "the store is unavailable")
        }
    }
}
