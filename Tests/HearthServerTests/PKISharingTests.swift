import Foundation
import HearthCore
import HearthSecurity
import HearthTestSupport
import Testing
import X509

@testable import HearthServer

@Suite("Certificate authority shared by replicas")
struct PKISharingTests {
    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Int = 20, _ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    static func isLocal(_ server: HearthServer) -> Bool {
        if case .local = server.authorities.sharing { return true }
        return false
    }

    static func isShared(_ server: HearthServer) -> Bool {
        if case .shared = server.authorities.sharing { return true }
        return false
    }

    @Test("replicas of one PostgreSQL with one master key share the CA, its rotation and its offline root; another master key keeps its own")
    func replicas() async throws {
        guard Backend.enabled.contains(.postgres) else { return }
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-master-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        try SecretFile.write(Data(SecureRandom.bytes(32)).base64EncodedString() + "\n", to: keyFile, mode: 0o600)

        try await APIFixture.with(.postgres, configure: { $0.masterKeyFile = keyFile }) { a in
            let url = try #require(a.server.configuration.databaseURL)
            #expect(try await Self.eventually { Self.isShared(a.server) })
            let root = try a.server.identity.authority.fingerprint
            try await APIFixture.with(.sqlite, setUp: false, configure: { $0.databaseURL = url; $0.masterKeyFile = keyFile }) { b in
                // The second replica made a CA of its own at start, then took the shared one.
                #expect(try await Self.eventually { Self.isShared(b.server) })
                #expect(try b.server.identity.authority.fingerprint == root)
                #expect(b.server.identity.intermediates.map(\.serial) == a.server.identity.intermediates.map(\.serial))
                #expect(try CertificateAuthority.fingerprint(ofPEM: String(contentsOfFile: b.dataDirectory + "/ca.pem", encoding: .utf8)) == root)
                #expect(b.server.identity.authority.signed(b.server.serverCertificates.leaf), "the server certificate is issued again under the shared root")
                #expect(try await b.request(.get, "/v1/cluster", as: .none).json["caFingerprint"]?.stringValue == root)

                // A rotation on one reaches the other: certificates from either verify on both.
                let before = try a.server.identity.issuer.issueWithNewKey(CertificateNames(dnsNames: ["a.demo.svc.hearth.internal"])).certificate
                let rotated = try await a.request(.post, "/v1/admin/pki/intermediate/rotate")
                #expect(rotated.status == 201, "\(rotated.text)")
                let current = a.server.identity.intermediate.serial
                #expect(try await Self.eventually { b.server.identity.intermediate.serial == current })
                let after = try b.server.identity.issuer.issueWithNewKey(CertificateNames(dnsNames: ["b.demo.svc.hearth.internal"])).certificate
                for server in [a.server, b.server] {
                    #expect(server.authorities.intermediate(thatSigned: before) != nil)
                    #expect(server.authorities.intermediate(thatSigned: after) != nil)
                }
                #expect(try await b.request(.get, "/v1/pki/ca.pem", as: .none).text == a.request(.get, "/v1/pki/ca.pem", as: .none).text)

                // The root key exported and removed through one is offline on both.
                #expect(try await a.request(.post, "/v1/admin/pki/root/export").status == 200)
                #expect(try await a.request(.delete, "/v1/admin/pki/root/key").status == 200)
                #expect(try await Self.eventually { !b.server.identity.authority.hasPrivateKey })
                #expect(!FileManager.default.fileExists(atPath: b.dataDirectory + "/ca-key.sealed"))
                #expect(b.server.identity.rootKeyExport?.exportedBy == "user:admin")
            }

            // A replica with another master key cannot open the shared keys: it keeps its own CA, and says why.
            try await APIFixture.with(.sqlite, setUp: false, configure: { $0.databaseURL = url }) { c in
                let local = try await Self.eventually { Self.isLocal(c.server) }
                #expect(local)
                let own = try c.server.identity.authority.fingerprint
                #expect(own != root)
                if case .local(let reason) = c.server.authorities.sharing { #expect(reason.contains("master key")) }
            }
        }
    }
}
