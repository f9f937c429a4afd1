import Crypto
import Foundation

/// The CA certificates the CLI trusts, per server URL, pinned on first contact like SSH's
/// known_hosts: `~/.config/hearth/known_servers.json` (mode 0600).
public struct TrustStore: Sendable {
    public struct Entry: Codable, Sendable {
        public var fingerprint: String
        public var caPEM: String

        public init(fingerprint: String, caPEM: String) {
            self.fingerprint = fingerprint
            self.caPEM = caPEM
        }
    }

    public let path: String

    public init(directory: String = TrustStore.defaultDirectory) {
        path = directory + "/known_servers.json"
    }

    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/hearth" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/hearth"
    }

    public func entry(for server: String) -> Entry? {
        load()[Self.normalize(server)]
    }

    public func pin(_ server: String, entry: Entry) throws {
        var all = load()
        all[Self.normalize(server)] = entry
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(all).write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o600)
    }

    private func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: Entry].self, from: data)) ?? [:]
    }

    static func normalize(_ server: String) -> String {
        var s = server.lowercased()
        while s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// `sha256:` and the hex SHA-256 of the first certificate's DER in a PEM bundle.
    public static func fingerprint(ofPEM pem: String) -> String? {
        let lines = pem.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(of: "-----BEGIN CERTIFICATE-----"),
            let end = lines[begin...].firstIndex(of: "-----END CERTIFICATE-----")
        else { return nil }
        guard let der = Data(base64Encoded: lines[(begin + 1)..<end].joined()) else { return nil }
        return "sha256:" + SHA256.hash(data: der).map { String(format: "%02x", $0) }.joined()
    }
}
