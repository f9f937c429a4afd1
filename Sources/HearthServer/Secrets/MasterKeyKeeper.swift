import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Logging
import ServiceLifecycle
import Synchronization

/// The server's master key ring, swappable while the server runs, and the background job that
/// moves everything sealed onto its current key.
///
/// ``cipher`` always seals under the ring's current key and opens with any key of the ring, so
/// reads keep working through a rotation. ``rotate()`` (`POST /v1/admin/master-key/rotate`)
/// adds a new current key and wakes the job; the job (``rewrapAll(batchSize:)``, also run once at
/// start) rewraps the data keys of every stored secret sealed under an older key of the ring, in
/// batches of one writer transaction each, then the sealed CA and server keys, and finally
/// retires older keys nothing uses any more. A ring the operator supplied (key file or
/// `HEARTH_MASTER_KEY`) is never changed on disk: the operator supplies a new current key with
/// the old ones, the job rewraps at start, and the status says when an old key may be dropped.
final class MasterKeyKeeper: Service {
    /// Values rewrapped per writer transaction.
    static let batchSize = 100

    private let ring: Mutex<MasterKeyRing>
    private let store: Store
    private let dataDirectory: String
    private let logger: Logger
    private let wake: AsyncStream<Void>.Continuation
    private let wakeStream: AsyncStream<Void>
    private let progress = Mutex<RewrapProgress>(RewrapProgress())
    /// What else seals under the ring: rewraps it under the current key and answers the key ids
    /// it still needs (the certificate authority shared through the database).
    private let others = Mutex<[@Sendable () async throws -> Set<String>]>([])

    /// Adds something else sealed under the ring, rewrapped with each pass; the keys it answers
    /// are not retired.
    func alsoSealing(_ rewrap: @escaping @Sendable () async throws -> Set<String>) {
        others.withLock { $0.append(rewrap) }
    }

    init(ring: MasterKeyRing, store: Store, dataDirectory: String, logger: Logger) {
        self.ring = Mutex(ring)
        self.store = store
        self.dataDirectory = dataDirectory
        self.logger = logger
        (wakeStream, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The ring as it is now.
    var currentRing: MasterKeyRing { ring.withLock { $0 } }

    /// A cipher over the ring as it is now: seals under its current key, opens with any.
    var cipher: EnvelopeCipher { EnvelopeCipher(ring: currentRing) }

    /// What the rewrap job has done.
    var rewrapProgress: RewrapProgress { progress.withLock { $0 } }

    /// Makes a new current key (written to `DATA_DIR/master-key.json`) and starts rewrapping.
    /// - Throws: `HearthError(.conflict)` for a supplied ring.
    @discardableResult
    func rotate() throws -> MasterKey {
        let key = try ring.withLock { ring in try ring.rotate() }
        logger.notice("master key rotated; rewrapping sealed values in the background", metadata: ["current": "\(key.id)"])
        wake.yield()
        return key
    }

    func run() async throws {
        do {
            try await store.waitUntilReady()
        } catch {
            return
        }
        await runPass()
        for await _ in wakeStream.cancelOnGracefulShutdown() {
            await runPass()
        }
    }

    private func runPass() async {
        do {
            try await rewrapAll()
        } catch {
            logger.warning("rewrapping sealed values under the current master key failed; it is retried at the next rotation or start",
                metadata: ["error": "\((error as? HearthError)?.message ?? "\(type(of: error))")"])
        }
    }

    /// Rewraps every secret and sealed key file sealed under an older key of the ring, then
    /// retires the older keys nothing uses (for a ring in the data directory).
    @discardableResult
    func rewrapAll(batchSize: Int = MasterKeyKeeper.batchSize) async throws -> RewrapProgress.Pass {
        let start = ring.withLock { $0 }
        let older = start.keys.map(\.id).filter { $0 != start.current.id }
        var pass = RewrapProgress.Pass(startedAt: Timestamp.now(), current: start.current.id)
        progress.withLock { $0.running = true }
        defer {
            progress.withLock {
                $0.running = false
                $0.current = nil
                $0.last = pass
            }
        }
        guard !older.isEmpty else {
            pass.finishedAt = Timestamp.now()
            return pass
        }
        while true {
            let cipher = self.cipher
            let (found, rewrapped) = try await store.rewrapSecrets(sealedUnder: older, limit: batchSize) { row in
                guard let text = row.sealed, let sealed = try? SealedValue(encoded: text),
                    let next = try? cipher.rewrap(sealed, context: row.context)
                else { return nil }
                return (next.encoded, next.masterKeyID)
            }
            pass.rewrapped += rewrapped
            progress.withLock { $0.current = pass }
            if found < batchSize || rewrapped == 0 {
                pass.failed = found - rewrapped
                break
            }
        }
        if pass.failed > 0 {
            logger.error(
                "some stored secret values do not open with the master key ring, so they cannot be rewrapped; the older keys are kept",
                metadata: ["values": "\(pass.failed)"])
        }
        try ServerIdentity.rewrapSealedKeys(dataDirectory: dataDirectory, cipher: cipher)
        var stillSealing = ServerIdentity.sealedKeyIDs(dataDirectory: dataDirectory)
        for rewrap in others.withLock({ $0 }) { stillSealing.formUnion(try await rewrap()) }
        let usage = try await store.secretKeyUsage()
        for id in older where usage[id] == nil && !stillSealing.contains(id) {
            let ring = currentRing
            if ring.source.isSupplied {
                pass.unused.append(id)
                logger.notice(
                    "master key \(id) no longer seals anything: it may be dropped from the supplied ring (\(ring.source))")
                continue
            }
            do {
                try self.ring.withLock { try $0.retire(keyID: id) }
                pass.retired.append(id)
                logger.notice("master key \(id) retired: everything it sealed is rewrapped")
            } catch let error as HearthError where error.code == .notFound {
                // Retired meanwhile by another pass.
            }
        }
        pass.finishedAt = Timestamp.now()
        return pass
    }
}
