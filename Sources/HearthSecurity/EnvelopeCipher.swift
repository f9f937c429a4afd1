import Crypto
import Foundation
import HearthCore

/// Envelope encryption of secrets at rest: each value is sealed with AES-256-GCM under a fresh
/// random data key, and the data key is sealed with AES-256-GCM under the ring's current master key.
///
/// Every value is bound to a `context` (say `secret:ns/name:v3`): the same context must be given
/// to open it, so a sealed value copied to another row, name or version does not open there.
/// The authenticated data is, with 0x00 separators:
/// - for the value: `hev1`, `value`, the context;
/// - for the data key: `hev1`, `key`, the master key id, the context.
///
/// Rotating the master key (``MasterKeyRing/rotate(now:)``) leaves sealed values readable while
/// the ring holds the old key; ``rewrap(_:context:)`` moves one to the current key by sealing
/// its 32-byte data key again, without touching the value's ciphertext.
///
/// Pure computation, no I/O. Errors name master key ids and contexts, never key material or
/// plaintext.
public struct EnvelopeCipher: Sendable {
    /// The master keys: the current one seals, any of them opens.
    public let ring: MasterKeyRing

    /// A cipher that seals under `ring.current` and opens with any key of `ring`.
    public init(ring: MasterKeyRing) {
        self.ring = ring
    }

    /// Seals `plaintext` for `context` under a new data key, wrapped by the current master key.
    /// - Throws: `HearthError(.internalError)` if encryption fails (it does not for valid keys).
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> SealedValue {
        let dataKey = SymmetricKey(size: .bits256)
        let ciphertext: [UInt8]
        do {
            ciphertext = try Self.combined(AES.GCM.seal(plaintext, using: dataKey, authenticating: Self.valueAAD(context)))
        } catch {
            throw HearthError(.internalError, "sealing a value for context '\(context)' failed")
        }
        return try SealedValue(masterKeyID: ring.current.id, wrappedKey: wrap(dataKey, context: context), ciphertext: ciphertext)
    }

    /// The plaintext of `sealed`, which must have been sealed for `context`.
    /// - Throws: `HearthError(.unavailable)` naming the master key id when the ring does not hold
    ///   it; `HearthError(.internalError)` when the value does not authenticate (another context,
    ///   or altered bytes).
    public func open(_ sealed: SealedValue, context: String) throws -> [UInt8] {
        let dataKey = try unwrap(sealed, context: context)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.ciphertext)
            return Array(try AES.GCM.open(box, using: dataKey, authenticating: Self.valueAAD(context)))
        } catch {
            throw Self.authenticationFailure(context)
        }
    }

    /// `sealed` with its data key wrapped by the current master key instead of the one it names;
    /// the value's ciphertext is kept as it is. A value already under the current key comes
    /// back unchanged (after its data key is checked to open for `context`).
    /// - Throws: as ``open(_:context:)`` does for the data key.
    public func rewrap(_ sealed: SealedValue, context: String) throws -> SealedValue {
        let dataKey = try unwrap(sealed, context: context)
        guard sealed.masterKeyID != ring.current.id else { return sealed }
        return try SealedValue(masterKeyID: ring.current.id, wrappedKey: wrap(dataKey, context: context), ciphertext: sealed.ciphertext)
    }

    /// True when `sealed` names a master key other than the current one: ``rewrap(_:context:)``
    /// would change it. A rotation is complete when no stored value needs it.
    public func needsRewrap(_ sealed: SealedValue) -> Bool {
        sealed.masterKeyID != ring.current.id
    }

    // MARK: - Data keys

    private func wrap(_ dataKey: SymmetricKey, context: String) throws -> [UInt8] {
        let master = ring.current
        do {
            let box = try dataKey.withUnsafeBytes { raw in
                try AES.GCM.seal(raw, using: master.key, authenticating: Self.keyAAD(masterKeyID: master.id, context: context))
            }
            return try Self.combined(box)
        } catch {
            throw HearthError(.internalError, "wrapping a data key under master key '\(master.id)' failed")
        }
    }

    private func unwrap(_ sealed: SealedValue, context: String) throws -> SymmetricKey {
        guard let master = ring.key(id: sealed.masterKeyID) else {
            throw HearthError(
                .unavailable,
                "the value for context '\(context)' was sealed with master key '\(sealed.masterKeyID)', which the master key ring "
                    + "(from \(ring.source)) does not hold: supply that key together with the current one")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.wrappedKey)
            let dataKey = SymmetricKey(
                data: try AES.GCM.open(box, using: master.key, authenticating: Self.keyAAD(masterKeyID: master.id, context: context)))
            guard dataKey.bitCount == 256 else { throw Self.authenticationFailure(context) }
            return dataKey
        } catch {
            throw Self.authenticationFailure(context)
        }
    }

    // MARK: - Helpers

    private static func valueAAD(_ context: String) -> [UInt8] {
        Array("\(SealedValue.version)\u{0}value\u{0}".utf8) + Array(context.utf8)
    }

    private static func keyAAD(masterKeyID: String, context: String) -> [UInt8] {
        Array("\(SealedValue.version)\u{0}key\u{0}\(masterKeyID)\u{0}".utf8) + Array(context.utf8)
    }

    /// The combined form: nonce, ciphertext, tag. Always there for the default 12-byte nonce.
    private static func combined(_ box: AES.GCM.SealedBox) throws -> [UInt8] {
        guard let combined = box.combined else { throw HearthError(.internalError, "AES-GCM gave no combined form") }
        return Array(combined)
    }

    private static func authenticationFailure(_ context: String) -> HearthError {
        HearthError(
            .internalError,
            "the sealed value does not authenticate for context '\(context)': it was sealed for another context, or altered")
    }
}
