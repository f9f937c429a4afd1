import Foundation
import HearthCore
import HearthSecurity
import HearthStore
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
/// **Shared by the replicas of one database.** The hierarchy is also one record in the store
/// (``SharedHierarchy``, kind `pki-authority`), with a version. At start, once the store is
/// ready, a replica publishes its hierarchy if there is none yet, or takes the published one
/// (writing its data directory to match, and issuing its server certificate again under it);
/// then it looks every ``syncInterval`` for a newer version. A change is made under the
/// `pki-authority` lease (one replica at a time), on the latest version, and published with the
/// next one. Sharing needs the replicas to share the master key, which seals the keys in the
/// record; a replica that cannot open them keeps its own CA and says so in its log and status.
///
/// As a service it also looks every ``checkInterval``: it rotates the intermediate once it has
/// lived 2/3 of its life (when the root key is online; otherwise it warns), and retires a
/// previous intermediate once it has expired or no live certificate it issued remains.
final class CertificateAuthorityKeeper: Service {
    static let recordKind = "pki-authority"
    static let recordKey = "hierarchy"
    static let lease = "pki-authority"

    /// Whether this replica's hierarchy is the one the database holds.
    enum Sharing: Sendable, Equatable {
        /// Not compared yet (the store was not ready).
        case pending
        case shared(version: Int64)
        /// The published hierarchy does not open here (another master key): this replica's own.
        case local(reason: String)
    }

    private struct State {
        var identity: ServerIdentity
        var sharing: Sharing = .pending
        /// The published version that did not open here: not tried again until another is.
        var unopenedVersion: Int64?
    }

    private let state: Mutex<State>
    private let changing = Mutex(false)
    private let store: Store
    private let holder: String
    private let dataDirectory: String
    private let clusterName: String
    private let cipher: @Sendable () -> EnvelopeCipher
    private let checkInterval: Duration
    private let syncInterval: Duration
    private let logger: Logger
    /// Serials of the intermediates that signed certificates live at a time, asked of the store.
    private let liveIssuers: @Sendable (Date) async throws -> Set<String?>
    /// The server certificate's holder: what it presents now, and a renewal (set once both exist).
    private let server = Mutex<(leaf: @Sendable () -> Certificate, renew: @Sendable () throws -> Void)?>(nil)

    init(
        identity: ServerIdentity, store: Store, holder: String, dataDirectory: String, clusterName: String,
        cipher: @escaping @Sendable () -> EnvelopeCipher, liveIssuers: @escaping @Sendable (Date) async throws -> Set<String?>, logger: Logger,
        checkInterval: Duration = .seconds(600), syncInterval: Duration = .seconds(5)
    ) {
        state = Mutex(State(identity: identity))
        self.store = store
        self.holder = holder
        self.dataDirectory = dataDirectory
        self.clusterName = clusterName
        self.cipher = cipher
        self.liveIssuers = liveIssuers
        self.logger = logger
        self.checkInterval = checkInterval
        self.syncInterval = syncInterval
    }

    /// Connects the server certificate's renewer: after taking another replica's root, the server
    /// certificate is issued again under it.
    func attachServerCertificate(leaf: @escaping @Sendable () -> Certificate, renew: @escaping @Sendable () throws -> Void) {
        server.withLock { $0 = (leaf, renew) }
    }

    /// The hierarchy as it is now.
    var identity: ServerIdentity { state.withLock { $0.identity } }

    /// Whether it is the database's, this replica's own, or not compared yet.
    var sharing: Sharing { state.withLock { $0.sharing } }

    /// Issues certificates on request with the current intermediate.
    var issuer: CertificateIssuer { identity.issuer }

    /// The intermediate (current or previous) that signed `certificate`, if any.
    func intermediate(thatSigned certificate: Certificate) -> CertificateAuthority? {
        identity.intermediates.first { $0.signed(certificate) }
    }

    // MARK: Changes

    /// Makes a new intermediate current; the old one stays published (see
    /// ``ServerIdentity/rotatingIntermediate(dataDirectory:clusterName:cipher:rootKeyPEM:now:)``).
    @discardableResult
    func rotateIntermediate(rootKeyPEM: String? = nil, now: Date = Date()) async throws -> ServerIdentity {
        let next = try await change { identity in
            try identity.rotatingIntermediate(dataDirectory: dataDirectory, clusterName: clusterName, cipher: cipher(), rootKeyPEM: rootKeyPEM, now: now)
        }
        logger.notice(
            "intermediate CA rotated; the previous one stays published until the certificates it issued expire",
            metadata: ["current": "\(next.intermediate.serial)", "previous": "\(next.previousIntermediates.map(\.serial))"])
        return next
    }

    /// The root's certificate and key for keeping offline; the export is recorded.
    func exportRootKey(by caller: String) async throws -> (certificatePEM: String, privateKeyPEM: String) {
        var exported = (certificatePEM: "", privateKeyPEM: "")
        try await change { identity in
            let result = try identity.exportingRootKey(dataDirectory: dataDirectory, by: caller)
            exported = (result.certificatePEM, result.privateKeyPEM)
            return result.identity
        }
        logger.warning("root CA key exported", metadata: ["by": "\(caller)"])
        return exported
    }

    /// Removes the root key from the data directory, on every replica (it must have been exported).
    func removeRootKey() async throws {
        try await change { identity in try identity.removingRootKey(dataDirectory: dataDirectory) }
        logger.notice("root CA key removed from the server; it is offline now")
    }

    /// Retires the previous intermediates that have expired or under which no live certificate
    /// remains. - Returns: the serials retired.
    @discardableResult
    func retireIdle(now: Date = Date()) async throws -> [String] {
        guard !identity.previousIntermediates.isEmpty else { return [] }
        let live = try await liveIssuers(now)
        var serials: [String] = []
        try await change(unlessUnchanged: true) { identity in
            // Certificates recorded before issuers were (nil) may be under any previous intermediate;
            // the server's own certificate, when the intermediate signed it, keeps its signer.
            let serverSigner = identity.serverCertificateSigner.serial
            let idle = Set(
                identity.previousIntermediates.filter {
                    $0.serial != serverSigner && ($0.certificate.notValidAfter <= now || (!live.contains($0.serial) && !live.contains(nil)))
                }.map(\.serial))
            serials = idle.sorted()
            return idle.isEmpty ? identity : try identity.retiringIntermediates(dataDirectory: dataDirectory) { idle.contains($0.serial) }
        }
        if !serials.isEmpty { logger.notice("previous intermediate CAs retired: nothing live was issued by them", metadata: ["serials": "\(serials)"]) }
        return serials
    }

    /// Applies `body` to the latest hierarchy, one change at a time across the replicas (the
    /// `pki-authority` lease), and publishes the result with the next version.
    /// - Parameter unlessUnchanged: publish nothing when `body` changes nothing.
    @discardableResult
    private func change(unlessUnchanged: Bool = false, _ body: (ServerIdentity) throws -> ServerIdentity) async throws -> ServerIdentity {
        guard changing.withLock({ busy in defer { busy = true }; return !busy }) else {
            throw HearthError(.conflict, "another change to the certificate authority is in progress; try again in a moment")
        }
        defer { changing.withLock { $0 = false } }
        let changed = try await underLease { () async throws -> ServerIdentity in
            try await sync(holdingLease: true)
            let before = identity
            let next = try state.withLock { state in
                state.identity = try body(state.identity)
                return state.identity
            }
            let unchanged = next.authority.hasPrivateKey == before.authority.hasPrivateKey && next.rootKeyExport == before.rootKeyExport
                && next.intermediates.map(\.serial) == before.intermediates.map(\.serial)
            if !(unlessUnchanged && unchanged) { try await publish(next) }
            return next
        }
        guard let changed else { throw HearthError(.conflict, "another replica is changing the certificate authority; try again in a moment") }
        return changed
    }

    /// Runs `body` holding the `pki-authority` lease (one replica at a time), released after it;
    /// nil, without running it, when another replica holds the lease.
    private func underLease<T>(_ body: () async throws -> T) async throws -> T? {
        guard try await store.tryAcquireLease(Self.lease, holder: holder, ttl: .seconds(30)) else { return nil }
        do {
            let value = try await body()
            try? await store.releaseLease(Self.lease, holder: holder)
            return value
        } catch {
            try? await store.releaseLease(Self.lease, holder: holder)
            throw error
        }
    }

    // MARK: Sharing

    /// Publishes `identity` as the next version (under the lease); nothing while this replica
    /// keeps its own CA.
    private func publish(_ identity: ServerIdentity) async throws {
        if case .local = sharing { return }
        let sealed = cipher()
        let version = try await store.updateRecords { writer -> Int64 in
            let current = try await writer.record(Self.recordKind, Self.recordKey)?.decoded(as: SharedHierarchy.self)
            let shared = try SharedHierarchy(identity: identity, version: (current?.version ?? 0) + 1, cipher: sealed)
            try await writer.put(StoredRecord(kind: Self.recordKind, key: Self.recordKey, value: try APIJSON.encodeString(shared)))
            return shared.version
        }
        state.withLock { $0.sharing = .shared(version: version) }
    }

    /// Compares this replica's hierarchy with the published one: publishes it when there is
    /// none, takes the published one when it is newer.
    /// - Parameter holdingLease: the caller holds the `pki-authority` lease.
    func sync(holdingLease: Bool = false) async throws {
        guard let shared = try await store.record(Self.recordKind, Self.recordKey)?.decoded(as: SharedHierarchy.self) else {
            // None yet: publish this replica's, once (two replicas starting at once: the lease).
            if holdingLease { return try await publishFirst() }
            let published = try await underLease { () async throws -> Bool in
                guard try await store.record(Self.recordKind, Self.recordKey) == nil else { return false }
                try await publishFirst()
                return true
            }
            // Another replica published first (or holds the lease): take its hierarchy.
            if published == false { try await sync() }
            return
        }
        let current = state.withLock { $0 }
        if case .shared(let version) = current.sharing, version == shared.version { return }
        if current.unopenedVersion == shared.version { return }
        if shared.describes(current.identity) {
            state.withLock { $0.sharing = .shared(version: shared.version) }
            return
        }
        let cipher = cipher()
        do {
            let previousRoot = current.identity.authority.serial
            let next = try state.withLock { state in
                state.identity = try state.identity.adopting(shared, dataDirectory: dataDirectory, cipher: cipher)
                return state.identity
            }
            // Shared once the server certificate is under the shared hierarchy too.
            defer { state.withLock { $0.sharing = .shared(version: shared.version) } }
            if next.authority.serial != previousRoot {
                logger.notice(
                    "took the certificate authority of the other replicas of this database; ca.pem changed",
                    metadata: ["root": "\((try? next.authority.fingerprint) ?? "?")"])
            } else {
                logger.info("took a change to the certificate authority from another replica", metadata: ["version": "\(shared.version)"])
            }
            if let (leaf, renew) = server.withLock({ $0 }) {
                let presented = leaf()
                if !next.authority.signed(presented) && !next.intermediate.signed(presented) { try renew() }
            }
        } catch {
            let reason =
                "the certificate authority the other replicas of this database publish does not open here (\((error as? HearthError)?.message ?? "\(type(of: error))")): "
                + "give every replica the same master key (--master-key-file or HEARTH_MASTER_KEY); until then this replica uses its own CA"
            if current.sharing != .local(reason: reason) { logger.error("\(reason)") }
            state.withLock { state in
                state.sharing = .local(reason: reason)
                state.unopenedVersion = shared.version
            }
        }
    }

    private func publishFirst() async throws {
        try await publish(identity)
        logger.info("published this server's certificate authority for the replicas of its database")
    }

    /// Rewraps the published hierarchy's keys under the current master key (under the lease)
    /// and answers the master key ids it is sealed under afterwards (for the master key
    /// keeper, which keeps those keys).
    func rewrapShared() async throws -> Set<String> {
        guard let shared = try await store.record(Self.recordKind, Self.recordKey)?.decoded(as: SharedHierarchy.self) else { return [] }
        guard case .shared = sharing, let rewrapped = try shared.rewrapped(cipher: cipher()) else { return shared.sealedKeyIDs }
        let written = try await underLease {
            try await store.updateRecords { writer -> SharedHierarchy in
                let current = try await writer.record(Self.recordKind, Self.recordKey)?.decoded(as: SharedHierarchy.self)
                guard current?.version == shared.version else { return current ?? shared }
                try await writer.put(StoredRecord(kind: Self.recordKind, key: Self.recordKey, value: try APIJSON.encodeString(rewrapped)))
                return rewrapped
            }
        }
        guard let written else { return shared.sealedKeyIDs }
        if written.version == rewrapped.version { state.withLock { $0.sharing = .shared(version: rewrapped.version) } }
        return written.sealedKeyIDs
    }

    func run() async throws {
        let lastUpkeep = Mutex(ContinuousClock.now - checkInterval)
        await RepeatingJob.run(
            store: store, logger: logger, failure: "certificate authority upkeep failed; retrying",
            pause: { self.sharing == .pending ? .seconds(1) : self.syncInterval }
        ) {
            try await self.sync()
            let due = lastUpkeep.withLock { last in
                guard ContinuousClock.now - last >= self.checkInterval else { return false }
                last = .now
                return true
            }
            if due { try await self.upkeep() }
        }
    }

    /// Rotates an intermediate past 2/3 of its life, retires idle previous ones.
    private func upkeep() async throws {
        let current = identity
        if ServerIdentity.renewalDue(current.intermediate.certificate) {
            if current.authority.hasPrivateKey {
                do {
                    try await change(unlessUnchanged: true) { identity in
                        // Another replica may have rotated meanwhile.
                        guard ServerIdentity.renewalDue(identity.intermediate.certificate) else { return identity }
                        return try identity.rotatingIntermediate(dataDirectory: dataDirectory, clusterName: clusterName, cipher: cipher())
                    }
                } catch let error as HearthError where error.code == .conflict {
                    // Another replica or request is changing it: next time.
                }
            } else {
                logger.warning(
                    "the intermediate CA has lived 2/3 of its life and the root key is offline: rotate it with `hearth admin pki rotate-intermediate --root-key FILE`",
                    metadata: ["notAfter": "\(current.intermediate.certificate.notValidAfter)"])
            }
        }
        do {
            try await retireIdle()
        } catch let error as HearthError where error.code == .conflict {
        }
    }

    // MARK: mTLS

    /// For the TLS server's custom verification: a presented client chain is accepted when its
    /// leaf was signed by a published intermediate, is within its validity and may authenticate
    /// clients (no extended key usage, or one with clientAuth). Who it is, and whether it is
    /// revoked, is judged per request by ``ClientCertificates``.
    func verifyClientChain(_ chain: [NIOSSLCertificate], now: Date = Date()) -> NIOSSLVerificationResult {
        guard let first = chain.first, let leaf = try? Certificate(derEncoded: first.toDERBytes()),
            intermediate(thatSigned: leaf) != nil, leaf.notValidBefore <= now, now < leaf.notValidAfter
        else { return .failed }
        if let usage = try? leaf.extensions.extendedKeyUsage, !usage.contains(.clientAuth) { return .failed }
        return .certificateVerified
    }
}
