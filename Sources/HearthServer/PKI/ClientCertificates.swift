import Foundation
import HearthCore
import HearthSecurity
import NIOCore
import NIOSSL
import Synchronization
import SwiftASN1
import X509

/// Authenticates API calls made with a client certificate (mTLS) from Hearth's intermediate.
///
/// The TLS server asks every client for a certificate but requires none; one that is presented
/// must be signed by a published intermediate and valid now (the handshake refuses it
/// otherwise: ``CertificateAuthorityKeeper/verifyClientChain(_:now:)``). A request
/// without an `Authorization` header on such a connection is then authenticated as the identity
/// in the certificate's SPIFFE URI SAN, `spiffe://<cluster domain>/ns/<ns>/sa/<name>` (a service
/// account) or `spiffe://<cluster domain>/user/<name>` (a user), when: a published intermediate
/// (current or rotated out, not yet retired) signed it, it is within its validity, Hearth recorded issuing it for that very identity, and it is
/// not revoked. A revocation on this replica takes effect on the
/// next request; on another replica within ``cacheTTL``.
final class ClientCertificates: Sendable {
    private let certificates: IssuedCertificates
    private let authorities: CertificateAuthorityKeeper
    private let clusterDomain: String
    private let cacheTTL: Duration
    /// Serial -> the record (nil: none), and when it was read.
    private let cache = Mutex<[String: (record: CertificateRecord?, checkedAt: ContinuousClock.Instant)]>([:])

    init(certificates: IssuedCertificates, authorities: CertificateAuthorityKeeper, clusterDomain: String, cacheTTL: Duration) {
        self.certificates = certificates
        self.authorities = authorities
        self.clusterDomain = clusterDomain
        self.cacheTTL = cacheTTL
    }

    /// The peer's certificate on `channel`, if it is a TLS connection with one.
    static func peerCertificate(on channel: any Channel) async -> NIOSSLCertificate? {
        (try? await channel.nioSSL_peerCertificate().get()) ?? nil
    }

    /// Forgets what is cached of a serial (it was just revoked here).
    func forget(serial: String) {
        _ = cache.withLock { $0.removeValue(forKey: serial) }
    }

    /// The service account a presented certificate stands for.
    /// - Throws: `HearthError(.unauthorized)` saying why the certificate is refused.
    func authenticate(_ presented: NIOSSLCertificate, now: Date = Date()) async throws -> (subject: Subject, serial: String, notAfter: String) {
        let refused = { (why: String) in HearthError(.unauthorized, "the client certificate is refused: \(why)") }
        guard let certificate = try? Certificate(derEncoded: presented.toDERBytes()) else { throw refused("it cannot be read") }
        guard authorities.intermediate(thatSigned: certificate) != nil else {
            throw refused("it was not issued by an intermediate CA this cluster publishes")
        }
        guard certificate.notValidBefore <= now, now < certificate.notValidAfter else { throw refused("it has expired or is not valid yet") }
        let serial = CertificateIssuer.hex(certificate.serialNumber)
        let prefix = "spiffe://\(clusterDomain)/"
        let uris = ((try? certificate.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames()).compactMap { name -> String? in
            if case .uniformResourceIdentifier(let uri) = name, uri.hasPrefix(prefix) { return uri }
            return nil
        }
        guard uris.count == 1, let uri = uris.first else {
            throw refused("it carries no SPIFFE ID of this cluster (\(prefix)ns/<namespace>/sa/<name> or \(prefix)user/<name>)")
        }
        let parts = uri.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        let record = try await self.record(serial)
        let subject: Subject
        if parts.count == 4, parts[0] == "ns", parts[2] == "sa" {
            let (namespace, account) = (String(parts[1]), String(parts[3]))
            guard let record, record.namespace == namespace, record.serviceAccount == account else {
                throw refused("Hearth has no record of issuing serial \(serial) to service account '\(namespace)/\(account)'")
            }
            subject = Subject(kind: .serviceAccount, name: account, namespace: namespace)
        } else if parts.count == 2, parts[0] == "user" {
            let user = String(parts[1])
            guard let record, record.user == user else { throw refused("Hearth has no record of issuing serial \(serial) to user '\(user)'") }
            subject = .user(user)
        } else {
            throw refused("'\(uri)' is neither a service account's nor a user's ID")
        }
        guard let record, record.revokedAt == nil else { throw refused("serial \(serial) was revoked") }
        return (subject, serial, record.notAfter)
    }

    private func record(_ serial: String) async throws -> CertificateRecord? {
        if let cached = cache.withLock({ $0[serial] }), .now - cached.checkedAt < cacheTTL { return cached.record }
        let record = try await certificates.record(serial: serial)
        cache.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[serial] = (record, .now)
        }
        return record
    }
}
