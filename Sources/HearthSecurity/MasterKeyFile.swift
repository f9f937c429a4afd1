import Foundation
import HearthCore

/// The file I/O of master keys: reading a key file only when no one but its owner can read it,
/// and creating `DATA_DIR/master-key.json` without ever replacing one another process made.
enum MasterKeyFile {
    /// Key files larger than this are refused before they are read (a ring of a thousand keys
    /// is under 100 KiB).
    static let maximumSize = 1 << 20

    /// The text of the key file at `path`, or nil when there is none.
    ///
    /// Symbolic links are followed (a mounted secret's link works when its target is 0600 or
    /// 0400), and the mode is checked after the file is opened, before it is read.
    /// - Throws: `HearthError(.badRequest)` when the file is readable or writable by group or
    ///   others, is not a regular file, is too large, is not UTF-8, or cannot be read.
    static func read(_ path: String, label: String) throws -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw HearthError(.badRequest, "cannot read \(label): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // `FileManager` rather than fstat(2): under MemberImportVisibility the fields of `struct
        // stat` are attributed to whichever C module first included <sys/stat.h>.
        guard let real = realpath(path, nil) else {
            throw HearthError(.badRequest, "cannot read \(label): \(String(cString: strerror(errno)))")
        }
        let resolved = String(cString: real)
        free(real)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: resolved)
        } catch {
            throw HearthError(.badRequest, "cannot read \(label): \(error.localizedDescription)")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw HearthError(.badRequest, "\(label) is not a regular file")
        }
        let permissions = integer(attributes[.posixPermissions]) ?? 0o777
        guard permissions & 0o077 == 0 else {
            throw HearthError(
                .badRequest,
                "\(label) has mode \(String(permissions & 0o777, radix: 8).leftPadded(to: 4)): a master key file must be readable by its owner only (chmod 600 \(path))"
            )
        }
        if let size = integer(attributes[.size]), size > maximumSize {
            throw HearthError(.badRequest, "\(label) is larger than \(maximumSize) bytes: it is not a master key file")
        }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HearthError(.badRequest, "cannot read \(label): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= maximumSize else {
                throw HearthError(.badRequest, "\(label) is larger than \(maximumSize) bytes: it is not a master key file")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HearthError(.badRequest, "\(label) is not UTF-8 text: it is not a master key file")
        }
        return text
    }

    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let value as Int: value
        case let value as UInt64: Int(clamping: value)
        case let value as NSNumber: value.intValue
        default: nil
        }
    }

    /// Creates the file at `path` holding `text` (mode 0600, its directory made 0700 when it is
    /// missing), unless a file is already there. True when this call created it; false when
    /// another process was first (read that one: its key may already have sealed values).
    static func create(_ text: String, at path: String) throws -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw HearthError(.internalError, "cannot create the data directory \(directory): \(error.localizedDescription)")
            }
        }
        // Written in full under a name of its own, then linked into place: link() fails rather
        // than replace a file another process created meanwhile.
        let staging = path + ".new-" + SecureRandom.identifier(bytes: 6)
        try SecretFile.write(text, to: staging, mode: 0o600)
        defer { unlink(staging) }
        if link(staging, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw HearthError(.internalError, "cannot create \(path): \(String(cString: strerror(errno)))")
    }

    /// Replaces the file at `path` with `text` atomically (mode 0600).
    static func replace(_ text: String, at path: String) throws {
        try SecretFile.write(text, to: path, mode: 0o600)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
