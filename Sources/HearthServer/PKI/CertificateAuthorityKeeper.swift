import Foundation
import HearthCore
import HearthSecurity
import Logging
import NIOSSL
import ServiceLifecycle
import SwiftASN1
import Synchronization
import X509

/// The server's certificate authority as it is now, changed while the server runs: intermediate
/// rotation with an overlap, retirement of intermediates rotated out, root key export and
/// removal. Everything that signs or verifies asks it at the moment (the issuer, the trust
/// bundle, the CRLs, the mTLS handshake), so a change takes effect at once, with no restart.
///
/// As a service it looks every ``checkInterval``: it rotates the intermediate once it has lived
/// 2/3 of its life (when the root key is online; otherwise it warns), and retires a previous
/// intermediate once it has expired or no live certificate it issued remains.
final class CertificateAuthorityKeeper: Service {
    private let state: Mutex<ServerIdentity>
    private let dataDirectory: String
    private let clusterName: String
    private let cipher: @Sendable () -> EnvelopeCipher
    private let checkInterval: Duration
    private let logger: Logger
    /// Serials of the intermediates that signed certificates live at a time, asked of the store.
    private let liveIssuers: @Sendable (Date) async throws -> Set<String?>

    init(
        identity: ServerIdentity, dataDirectory: String, clusterName: String, cipher: @escaping @Sendable () -> EnvelopeCipher,
        liveIssuers: @escaping @Sendable (Date) async throws -> Set<String?>, logger: Logger, checkInterval: Duration = .seconds(600)
    ) {
        state = Mutex(identity)
        self.dataDirectory = dataDirectory
        self.clusterName = clusterName
        self.cipher = cipher
        self.liveIssuers = liveIssuers
        self.logger = logger
        self.checkInterval = checkInterval
    }

    /// The hierarchy as it is now.
    var identity: ServerIdentity { state.withLock { $0 } }

    /// Issues certificates on request with the current intermediate.
    var issuer: CertificateIssuer { identity.issuer }

    /// The intermediate (current or previous) that signed `certificate`, if any.
    func intermediate(thatSigned certificate: Certificate) -> CertificateAuthority? {
        identity.intermediates.first { $0.signed(certificate) }
    }

    /// An intermediate by serial (uppercase hex).
    func intermediate(serial: String) -> CertificateAuthority? {
        identity.intermediates.first { $0.serial == serial }
    }

    // MARK: Changes

    /// Makes a new intermediate current; the old one stays published (see
    /// ``ServerIdentity/rotatingIntermediate(dataDirectory:clusterName:cipher:rootKeyPEM:now:)``).
    @discardableResult
    func rotateIntermediate(rootKeyPEM: String? = nil, now: Date = Date()) throws -> ServerIdentity {
        let next = try state.withLock { identity in
            identity = try identity.rotatingIntermediate(
                dataDirectory: dataDirectory, clusterName: clusterName, cipher: cipher(), rootKeyPEM: rootKeyPEM, now: now)
            return identity
        }
        logger.notice(
            "intermediate CA rotated; the previous one stays published until the certificates it issued expire",
            metadata: ["current": "\(next.intermediate.serial)", "previous": "\(next.previousIntermediates.map(\.serial))"])
        return next
    }

    /// The root's certificate and key for keeping offline; the export is recorded.
    func exportRootKey(by caller: String) throws -> (certificatePEM: String, privateKeyPEM: String) {
        let exported = try state.withLock { identity in
            let exported = try identity.exportingRootKey(dataDirectory: dataDirectory, by: caller)
            identity = exported.identity
            return (exported.certificatePEM, exported.privateKeyPEM)
        }
        logger.warning("root CA key exported", metadata: ["by": "\(caller)"])
        return exported
    }

    /// Removes the root key from the data directory (it must have been exported).
    func removeRootKey() throws {
        try state.withLock { identity in identity = try identity.removingRootKey(dataDirectory: dataDirectory) }
        logger.notice("root CA key removed from the server; it is offline now")
    }

    /// Retires the previous intermediates that have expired or under which no live certificate
    /// remains. - Returns: the serials retired.
    @discardableResult
    func retireIdle(now: Date = Date()) async throws -> [String] {
        let previous = identity.previousIntermediates
        guard !previous.isEmpty else { return [] }
        let live = try await liveIssuers(now)
        // Certificates recorded before issuers were (nil) may be under any previous intermediate.
        let idle = Set(previous.filter { $0.certificate.notValidAfter <= now || (!live.contains($0.serial) && !live.contains(nil)) }.map(\.serial))
        guard !idle.isEmpty else { return [] }
        try state.withLock { identity in
            // The server's own certificate, when the intermediate signed it, keeps its signer.
            let serverSigner = identity.serverCertificateSigner.serial
            identity = try identity.retiringIntermediates(dataDirectory: dataDirectory) { idle.contains($0.serial) && $0.serial != serverSigner }
        }
        logger.notice("previous intermediate CAs retired: nothing live was issued by them", metadata: ["serials": "\(idle.sorted())"])
        return idle.sorted()
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let current = self.identity
                    if ServerIdentity.renewalDue(current.intermediate.certificate) {
                        if current.authority.hasPrivateKey {
                            try self.rotateIntermediate()
                        } else {
                            self.logger.warning(
                                "the intermediate CA has lived 2/3 of its life and the root key is offline: rotate it with `hearth admin pki rotate-intermediate --root-key FILE`",
                                metadata: ["notAfter": "\(current.intermediate.certificate.notValidAfter)"])
                        }
                    }
                    try await self.retireIdle()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("certificate authority upkeep failed; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: self.checkInterval)
            }
        }
    }

    // MARK: mTLS

    /// For the TLS server's custom verification: a presented client chain is accepted when its
    /// leaf was signed by a published intermediate and is within its validity (who it is, and
    /// whether it is revoked, is judged per request by ``ClientCertificates``).
    func verifyClientChain(_ chain: [NIOSSLCertificate], now: Date = Date()) -> NIOSSLVerificationResult {
        guard let first = chain.first, let leaf = try? Certificate(derEncoded: first.toDERBytes()),
            intermediate(thatSigned: leaf) != nil, leaf.notValidBefore <= now, now < leaf.notValidAfter
        else { return .failed }
        return .certificateVerified
    }
}
