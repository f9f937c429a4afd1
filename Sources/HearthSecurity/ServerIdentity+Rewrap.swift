import Foundation
import HearthCore

extension ServerIdentity {
    /// The sealed private keys of a data directory, with the contexts they are sealed for.
    static let sealedKeyFiles = [
        ("ca-key.sealed", "key:ca"), ("intermediate-key.sealed", "key:intermediate"), ("server-key.sealed", "key:server"),
    ]

    /// Rewraps the data directory's sealed private keys (`ca-key.sealed`, `intermediate-key.sealed`, `server-key.sealed`)
    /// under the cipher's current master key, as a master key rotation needs; files already under
    /// it are left as they are.
    /// - Returns: the master key ids the files were sealed under before (empty when none moved).
    /// - Throws: as ``EnvelopeCipher/open(_:context:)`` when a file does not open, or when one
    ///   cannot be written.
    @discardableResult
    public static func rewrapSealedKeys(dataDirectory: String, cipher: EnvelopeCipher) throws -> Set<String> {
        var moved = Set<String>()
        for (file, context) in sealedKeyFiles {
            let path = dataDirectory + "/" + file
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let sealed = try SealedValue(encoded: text)
            guard cipher.needsRewrap(sealed) else { continue }
            try SecretFile.write(try cipher.rewrap(sealed, context: context).encoded + "\n", to: path, mode: 0o600)
            moved.insert(sealed.masterKeyID)
        }
        return moved
    }

    /// The master key ids that the data directory's sealed private keys name.
    public static func sealedKeyIDs(dataDirectory: String) -> Set<String> {
        var ids = Set<String>()
        for (file, _) in sealedKeyFiles {
            let path = dataDirectory + "/" + file
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let sealed = try? SealedValue(encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                ids.insert(sealed.masterKeyID)
            }
        }
        return ids
    }
}
