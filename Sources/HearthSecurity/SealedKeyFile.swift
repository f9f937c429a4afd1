import Foundation
import HearthCore

/// A private key kept in the data directory sealed with the envelope cipher (`*.sealed`, 0600),
/// never as plain PEM. A plain PEM left by an older version is sealed and removed on first read.
enum SealedKeyFile {
    /// The PEM at `sealedPath` (or, once, at the legacy plain `pemPath`); nil if neither exists.
    static func read(_ sealedPath: String, legacyPEM pemPath: String, cipher: EnvelopeCipher, context: String) throws -> String? {
        let files = FileManager.default
        if files.fileExists(atPath: sealedPath) {
            let text = try String(contentsOfFile: sealedPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let sealed = try SealedValue(encoded: text)
            let pem = String(decoding: try cipher.open(sealed, context: context), as: UTF8.self)
            if cipher.needsRewrap(sealed) {
                try SecretFile.write(try cipher.rewrap(sealed, context: context).encoded + "\n", to: sealedPath, mode: 0o600)
            }
            return pem
        }
        guard files.fileExists(atPath: pemPath) else { return nil }
        let pem = try String(contentsOfFile: pemPath, encoding: .utf8)
        try write(pem, to: sealedPath, cipher: cipher, context: context)
        try files.removeItem(atPath: pemPath)
        return pem
    }

    static func write(_ pem: String, to sealedPath: String, cipher: EnvelopeCipher, context: String) throws {
        try SecretFile.write(try cipher.seal(Array(pem.utf8), context: context).encoded + "\n", to: sealedPath, mode: 0o600)
    }
}
