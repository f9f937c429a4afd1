import Foundation
import HearthCore
import HearthSecurity
import Logging
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
import X509

@testable import HearthServer

@Suite("Server certificate renewal")
struct ServerCertificateRenewerTests {
    static func setUp() throws -> (String, ServerIdentity, EnvelopeCipher) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-renew-\(UUID().uuidString)").path
        let cipher = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let identity = try ServerIdentity.loadOrCreate(
            dataDirectory: directory, clusterName: "test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: cipher)
        return (directory, identity, cipher)
    }

    /// The certificate a handshake would get now.
    static func presented(_ renewer: ServerCertificateRenewer) async throws -> Certificate {
        let loop = EmbeddedEventLoop()
        let promise = loop.makePromise(of: NIOSSLContextConfigurationOverride.self)
        renewer.contextCallback(NIOSSLClientExtensionValues(serverHostname: "localhost"), promise)
        let override = try await promise.futureResult.get()
        guard case .certificate(let first) = try #require(override.certificateChain?.first) else { throw HearthError(.internalError, "no certificate") }
        return try Certificate(derEncoded: try first.toDERBytes())
    }

    @Test("renewal is due after 2/3 of a certificate's life")
    func due() throws {
        let (directory, identity, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let leaf = try Certificate(pemEncoded: String(identity.serverCertificateChainPEM.split(separator: "-----END CERTIFICATE-----")[0]) + "-----END CERTIFICATE-----")
        let life = leaf.notValidAfter.timeIntervalSince(leaf.notValidBefore)
        #expect(!ServerIdentity.renewalDue(leaf, now: leaf.notValidBefore.addingTimeInterval(life * 0.6)))
        #expect(ServerIdentity.renewalDue(leaf, now: leaf.notValidBefore.addingTimeInterval(life * 0.67)))
    }

    @Test("a renewed certificate is presented from the next handshake on, and written to the data directory; the service renews when due")
    func renews() async throws {
        let (directory, identity, cipher) = try Self.setUp()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let renewer = try ServerCertificateRenewer(
            identity: identity, dataDirectory: directory, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: { cipher },
            logger: Logger(label: "test"), validity: 3, checkInterval: .milliseconds(100))
        let first = try await Self.presented(renewer)
        try renewer.renew()
        let second = try await Self.presented(renewer)
        #expect(second.serialNumber != first.serialNumber)
        #expect(identity.authority.signed(second))
        #expect(second.notValidAfter.timeIntervalSince(Date()) < 5)
        let onDisk = try String(contentsOfFile: directory + "/server.pem", encoding: .utf8)
        #expect(onDisk.hasPrefix(try second.serializeAsPEM().pemString))
        // Loaded again, the data directory gives the renewed certificate and its key.
        let reloaded = try ServerIdentity.loadOrCreate(
            dataDirectory: directory, clusterName: "test", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], cipher: cipher)
        #expect(reloaded.serverCertificateChainPEM != identity.serverCertificateChainPEM)

        // Running, it renews by itself once 2/3 of the 3 s life (which began 5 min back) are gone: at once.
        let task = Task { try await renewer.run() }
        defer { task.cancel() }
        var third = second
        for _ in 0..<50 where third.serialNumber == second.serialNumber {
            try await Task.sleep(for: .milliseconds(100))
            third = try await Self.presented(renewer)
        }
        #expect(third.serialNumber != second.serialNumber)
    }
}
