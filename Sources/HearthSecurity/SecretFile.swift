import Foundation
import HearthCore

/// Files that hold secrets (keys, the setup code): written atomically, created with their final
/// mode so they are never readable by others, and fsynced before they replace the old file.
///
/// Each write goes through a temporary file of its own, so two writers of one file (a rewrap pass
/// beside another) never remove or rename each other's: the last rename wins, whole.
public enum SecretFile {
    /// Writes a file atomically with the given mode (created with it, so a key is never readable by others).
    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws {
        let temporary = path + ".tmp-" + Base64URL.encode(SecureRandom.bytes(9))
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw HearthError(.internalError, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw HearthError(.internalError, "cannot write \(path)")
        }
    }
}
