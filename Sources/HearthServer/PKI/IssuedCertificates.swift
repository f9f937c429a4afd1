import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Synchronization

/// The certificates issued on request, as private records, and the CRL built from the revoked
/// ones. The CRL is rebuilt when this replica revokes a certificate and at most a minute after
/// another replica does (it is never older than ``crlMaxAge``); each is valid for a day.
final class IssuedCertificates: Sendable {
    static let kind = "certificate"
    static let revocationKind = "certificate-revocation"
    /// Records outlive their certificates by this long (then the store prunes them).
    static let retention: TimeInterval = 86400
    static let crlMaxAge: TimeInterval = 60
    static let crlValidity: TimeInterval = 86400

    private let store: Store
    private let issuer: CertificateIssuer
    private let crl = Mutex<(der: [UInt8], builtAt: Date)?>(nil)

    init(store: Store, issuer: CertificateIssuer) {
        self.store = store
        self.issuer = issuer
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
        crl.withLock { $0 = nil }
        return revoked.map(Self.answer)
    }

    /// The record of a serial, in any namespace (for client certificates presented to the server).
    func record(serial: String) async throws -> CertificateRecord? {
        try await store.record(Self.kind, serial)?.decoded(as: CertificateRecord.self)
    }

    /// The current CRL's DER, signed by the intermediate.
    func revocationList() async throws -> [UInt8] {
        let now = Date()
        if let cached = crl.withLock({ $0 }), now.timeIntervalSince(cached.builtAt) < Self.crlMaxAge { return cached.der }
        let entries = try await store.records(Self.revocationKind)
            .compactMap { $0.decoded(as: RevocationRecord.self) }
            .filter { (Timestamp.date(from: $0.notAfter) ?? now) > now }
            .sorted { $0.serial < $1.serial }
            .map { RevocationList.Entry(serial: $0.serial, revokedAt: Timestamp.date(from: $0.revokedAt) ?? now) }
        let der = try RevocationList.der(
            authority: issuer.intermediate, entries: entries, number: Int64(now.timeIntervalSince1970 * 1000), thisUpdate: now,
            nextUpdate: now.addingTimeInterval(Self.crlValidity))
        crl.withLock { $0 = (der, now) }
        return der
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
