import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// The certificates issued on request, as private records, and the CRLs built from the revoked
/// ones: one per published intermediate, each signed by it (a CRL's issuer is the certificate's).
/// A CRL is rebuilt when this replica revokes a certificate, and on schedule: as a service,
/// every ``crlMaxAge``, so one is never older than that, another replica's revocations are in it
/// within that time, and a reader never waits for a build. Each is valid for a day.
final class IssuedCertificates: Service {
    static let kind = "certificate"
    static let revocationKind = "certificate-revocation"
    /// Records outlive their certificates by this long (then the store prunes them).
    static let retention: TimeInterval = 86400
    static let crlMaxAge: TimeInterval = 60
    static let crlValidity: TimeInterval = 86400

    private let store: Store
    private let authorities: CertificateAuthorityKeeper
    private let logger: Logger
    /// Intermediate serial -> its CRL and when it was built.
    private let crls = Mutex<[String: (der: [UInt8], builtAt: Date)]>([:])

    init(store: Store, authorities: CertificateAuthorityKeeper, logger: Logger) {
        self.store = store
        self.authorities = authorities
        self.logger = logger
    }

    /// The published intermediates, the current one first.
    private func intermediates() -> [CertificateAuthority] { authorities.identity.intermediates }

    func run() async throws {
        await RepeatingJob.run(store: store, logger: logger, failure: "rebuilding the CRLs failed; retrying", pause: { .seconds(Self.crlMaxAge) }) {
            try await self.rebuildRevocationLists()
        }
    }

    static func subject(namespace: String) -> String { "ns:\(namespace)" }

    func record(_ record: CertificateRecord) async throws {
        let stored = try Self.stored(record)
        try await store.updateRecords { writer in try await writer.put(stored) }
    }

    func list(namespace: String) async throws -> [CertificateRecord] {
        try await store.records(Self.kind, subject: Self.subject(namespace: namespace))
            .compactMap { $0.decoded(as: CertificateRecord.self) }
            .sorted { ($0.notBefore, $0.serial) < ($1.notBefore, $1.serial) }
            .map(Self.answer)
    }

    func find(namespace: String, serial: String) async throws -> CertificateRecord? {
        guard let record = try await store.record(Self.kind, serial)?.decoded(as: CertificateRecord.self), record.namespace == namespace else {
            return nil
        }
        return Self.answer(record)
    }

    /// Revokes a certificate of `namespace` (again: unchanged); nil if there is none.
    func revoke(namespace: String, serial: String, by caller: String, reason: String?) async throws -> CertificateRecord? {
        let now = Timestamp.now()
        let revoked = try await store.updateRecords { writer -> CertificateRecord? in
            guard var record = try await writer.record(Self.kind, serial)?.decoded(as: CertificateRecord.self), record.namespace == namespace else {
                return nil
            }
            if record.revokedAt != nil { return record }
            record.revokedAt = now
            record.revokedBy = caller
            record.revocationReason = reason
            try await writer.put(try Self.stored(record))
            let revocation = RevocationRecord(serial: serial, namespace: namespace, revokedAt: now, notAfter: record.notAfter)
            try await writer.put(
                StoredRecord(
                    kind: Self.revocationKind, key: serial, value: try APIJSON.encodeString(revocation),
                    expiresAtMillis: Self.expiry(record.notAfter)))
            return record
        }
        if revoked != nil { try await rebuildRevocationLists() }
        return revoked.map(Self.answer)
    }

    /// The record of a serial, in any namespace (for client certificates presented to the server).
    func record(serial: String) async throws -> CertificateRecord? {
        try await store.record(Self.kind, serial)?.decoded(as: CertificateRecord.self)
    }

    /// The CRL's DER signed by an intermediate (by serial; nil: the current one), built now
    /// when there is none younger than ``crlMaxAge``.
    /// - Throws: `HearthError(.notFound)` for a serial that is not a published intermediate's.
    func revocationList(intermediate serial: String? = nil) async throws -> [UInt8] {
        let published = intermediates()
        guard let authority = serial.map({ serial in published.first { $0.serial == serial } }) ?? published.first else {
            throw HearthError(.notFound, "no published intermediate CA has serial \(serial ?? "")")
        }
        if let cached = crls.withLock({ $0[authority.serial] }), Date().timeIntervalSince(cached.builtAt) < Self.crlMaxAge { return cached.der }
        return try await rebuildRevocationLists()[authority.serial] ?? []
    }

    /// Builds the CRL of every published intermediate from the stored revocations.
    @discardableResult
    func rebuildRevocationLists() async throws -> [String: [UInt8]] {
        let now = Date()
        let entries = try await store.records(Self.revocationKind)
            .compactMap { $0.decoded(as: RevocationRecord.self) }
            .filter { (Timestamp.date(from: $0.notAfter) ?? now) > now }
            .sorted { $0.serial < $1.serial }
            .map { RevocationList.Entry(serial: $0.serial, revokedAt: Timestamp.date(from: $0.revokedAt) ?? now) }
        var built: [String: [UInt8]] = [:]
        for authority in intermediates() {
            built[authority.serial] = try RevocationList.der(
                authority: authority, entries: entries, number: Int64(now.timeIntervalSince1970 * 1000), thisUpdate: now,
                nextUpdate: now.addingTimeInterval(Self.crlValidity))
        }
        crls.withLock { crls in crls = built.mapValues { ($0, now) } }
        return built
    }

    /// The serials of the intermediates that issued the live (unexpired) certificates; nil for
    /// certificates recorded before their issuer was.
    static func liveIssuers(in store: Store, now: Date = Date()) async throws -> Set<String?> {
        var issuers = Set<String?>()
        for record in try await store.records(kind).compactMap({ $0.decoded(as: CertificateRecord.self) })
        where (Timestamp.date(from: record.notAfter) ?? now) > now {
            issuers.insert(record.issuer)
        }
        return issuers
    }

    private static func answer(_ record: CertificateRecord) -> CertificateRecord {
        var record = record
        record.revoked = record.revokedAt != nil
        return record
    }

    private static func expiry(_ notAfter: String) -> Int64? {
        Timestamp.date(from: notAfter).map { Int64(($0.timeIntervalSince1970 + retention) * 1000) }
    }

    private static func stored(_ record: CertificateRecord) throws -> StoredRecord {
        var record = record
        record.revoked = nil
        return StoredRecord(
            kind: kind, key: record.serial, subject: subject(namespace: record.namespace), value: try APIJSON.encodeString(record),
            expiresAtMillis: expiry(record.notAfter))
    }
}
