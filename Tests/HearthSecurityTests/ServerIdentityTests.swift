import Foundation
import HearthCore
import HearthSecurity
import Testing

@Suite("Server identity at rest")
struct ServerIdentityTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hearth-identity-\(UUID().uuidString)").path
    }

    static func load(_ directory: String, _ cipher: EnvelopeCipher) throws -> ServerIdentity {
        try ServerIdentity.loadOrCreate(
            dataDirectory: directory, clusterName: "test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: cipher)
    }

    /// Every file of the directory, as text.
    static func contents(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            result[name] = (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
        }
        return result
    }

    @Test("private keys are sealed at rest, reload with the same key, and refuse another")
    func sealed() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        let files = try Self.contents(directory)
        #expect(Set(files.keys) == ["ca.pem", "ca-key.sealed", "intermediate.pem", "intermediate-key.sealed", "server.pem", "server-key.sealed"])
        for (name, text) in files { #expect(!text.contains("PRIVATE KEY"), "\(name) holds a plain private key") }
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/ca-key.sealed")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let again = try Self.load(directory, cipher)
        #expect(try again.authority.fingerprint == first.authority.fingerprint)
        #expect(again.serverPrivateKeyPEM == first.serverPrivateKeyPEM, "first: \(first.serverPrivateKeyPEM.count) \(first.serverCertificateChainPEM.prefix(80)) again: \(again.serverPrivateKeyPEM.count) \(again.serverCertificateChainPEM.prefix(80))")

        let stranger = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        #expect(throws: (any Error).self) { try Self.load(directory, stranger) }
    }

    @Test("a plain key left by an older version is sealed and removed")
    func migrates() throws {
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let first = try Self.load(directory, cipher)
        try first.authority.privateKeyPEM.write(toFile: directory + "/ca-key.pem", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: directory + "/ca-key.sealed")
        let migrated = try Self.load(directory, cipher)
        #expect(try migrated.authority.fingerprint == first.authority.fingerprint)
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.pem"))
        #expect(FileManager.default.fileExists(atPath: directory + "/ca-key.sealed"))
    }
}
