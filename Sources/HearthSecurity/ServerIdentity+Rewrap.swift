import Foundation
import HearthCore

extension ServerIdentity {
    /// The sealed private keys of a data directory (paths relative to it), with the contexts they
    /// are sealed for: the root's, the intermediates' (current and previous) and the server's.
    static func sealedKeyFiles(dataDirectory: String) -> [(String, String)] {
        var files = [("ca-key.sealed", "key:ca"), ("intermediate-key.sealed", "key:intermediate"), ("server-key.sealed", "key:server")]
        let previous = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/" + previousDirectory)) ?? []
        for name in previous.sorted() where name.hasSuffix("-key.sealed") {
            files.append((previousDirectory + "/" + name, "key:intermediate"))
        }
        return files
    }

    /// Rewraps the data directory's sealed private keys (``sealedKeyFiles(dataDirectory:)``)
    /// under the cipher's current master key, as a master key rotation needs; files already under
    /// it are left as they are.
    /// - Returns: the master key ids the files were sealed under before (empty when none moved).
    /// - Throws: as ``EnvelopeCipher/open(_:context:)`` when a file does not open, or when one
    ///   cannot be written.
    @discardableResult
    public static func rewrapSealedKeys(dataDirectory: String, cipher: EnvelopeCipher) throws -> Set<String> {
        var moved = Set<String>()
        for (file, context) in sealedKeyFiles(dataDirectory: dataDirectory) {
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
        for (file, _) in sealedKeyFiles(dataDirectory: dataDirectory) {
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
