import Foundation

/// The CLI's logins, per server URL: `~/.config/hearth/credentials.json` (directory 0700, file
/// 0600), beside the pinned CAs of ``TrustStore``.
///
/// Refreshing a login spends its refresh token, and the server revokes a session whose spent
/// token is presented again; so every read-refresh-write of an entry happens under an exclusive
/// lock on `credentials.lock` (``withLock(_:)``), and two CLI processes never spend the same one.
public struct CredentialStore: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var accessToken: String
        public var refreshToken: String?
        /// When the access token expires (RFC 3339).
        public var expiresAt: String?
        public var username: String?

        public init(accessToken: String, refreshToken: String?, expiresAt: String?, username: String?) {
            self.accessToken = accessToken
            self.refreshToken = refreshToken
            self.expiresAt = expiresAt
            self.username = username
        }
    }

    public let directory: String
    public let path: String
    private var lockPath: String { directory + "/credentials.lock" }

    public init(directory: String = TrustStore.defaultDirectory) {
        self.directory = directory
        path = directory + "/credentials.json"
    }

    public func entry(for server: String) -> Entry? {
        load()[TrustStore.normalize(server)]
    }

    /// The server of the last login (`hearth login`, `hearth setup`): where commands go when
    /// neither `--server` nor HEARTH_SERVER names one. Kept in `current-server` beside the logins.
    public var currentServer: String? {
        guard let text = try? String(contentsOfFile: directory + "/current-server", encoding: .utf8) else { return nil }
        let server = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return server.isEmpty ? nil : server
    }

    /// Makes `server` the one commands go to by default (see ``currentServer``).
    public func setCurrentServer(_ server: String) throws {
        try createDirectory()
        let path = directory + "/current-server"
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((TrustStore.normalize(server) + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Stores the login for `server` (under the lock).
    public func save(_ entry: Entry, for server: String) throws {
        let fd = try lock()
        defer { close(fd) }
        try saveLocked(entry, for: server)
    }

    /// Forgets the login for `server` (under the lock); true if there was one.
    @discardableResult
    public func remove(for server: String) throws -> Bool {
        let fd = try lock()
        defer { close(fd) }
        return try removeLocked(for: server)
    }

    /// Runs `body` holding the exclusive lock on the store (other processes wait for it). Inside,
    /// use ``saveLocked(_:for:)`` and ``removeLocked(for:)``: the lock is not reentrant.
    public func withLock<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
        let fd = try lock()
        defer { close(fd) }  // closing releases the lock
        return try await body()
    }

    func saveLocked(_ entry: Entry, for server: String) throws {
        var all = load()
        all[TrustStore.normalize(server)] = entry
        try write(all)
    }

    func removeLocked(for server: String) throws -> Bool {
        var all = load()
        guard all.removeValue(forKey: TrustStore.normalize(server)) != nil else { return false }
        try write(all)
        return true
    }

    /// Opens and locks `credentials.lock`; close the descriptor to unlock.
    private func lock() throws -> Int32 {
        try createDirectory()
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: lockPath]) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(fd)
                throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: lockPath])
            }
        }
        return fd
    }

    private func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: Entry].self, from: data)) ?? [:]
    }

    private func createDirectory() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes the whole file: to a new 0600 file first, then renamed over the old one, so the
    /// tokens are never readable by others, not even for a moment, and never half written.
    private func write(_ all: [String: Entry]) throws {
        try createDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(all)
        let temporary = path + ".\(getpid()).tmp"
        unlink(temporary)
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        let written = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
