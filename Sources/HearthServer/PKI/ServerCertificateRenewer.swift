import Foundation
import HearthCore
import HearthSecurity
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SwiftASN1
import Synchronization
import X509

/// Renews the server's own TLS certificate once it has lived 2/3 of its life, without a restart:
/// the TLS server asks ``contextCallback`` for the certificate at every handshake, so new
/// connections get the new certificate at once and open ones keep theirs.
final class ServerCertificateRenewer: Service {
    struct Current: Sendable {
        var leaf: Certificate
        var override: NIOSSLContextConfigurationOverride
    }

    /// The hierarchy as it is at the moment of a renewal (who signs: the root while its key is
    /// online, else the current intermediate).
    private let hierarchy: @Sendable () -> ServerIdentity
    private let dataDirectory: String
    private let dnsNames: [String]
    private let ipAddresses: [String]
    private let cipher: @Sendable () -> EnvelopeCipher
    private let validity: TimeInterval
    /// The longest wait between two looks at the clock.
    private let checkInterval: Duration
    private let logger: Logger
    private let current: Mutex<Current>

    init(
        identity: ServerIdentity, dataDirectory: String, dnsNames: [String], ipAddresses: [String], cipher: @escaping @Sendable () -> EnvelopeCipher,
        logger: Logger, validity: TimeInterval = 365 * 86400, checkInterval: Duration = .seconds(3600),
        hierarchy: (@Sendable () -> ServerIdentity)? = nil
    ) throws {
        self.hierarchy = hierarchy ?? { identity }
        self.dataDirectory = dataDirectory
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.cipher = cipher
        self.validity = validity
        self.checkInterval = checkInterval
        self.logger = logger
        current = Mutex(try Self.current(chainPEM: identity.serverCertificateChainPEM, keyPEM: identity.serverPrivateKeyPEM))
    }

    /// The certificate the server presents now.
    var leaf: Certificate { current.withLock { $0.leaf } }

    /// For `TLSConfiguration.sslContextCallback`: the current certificate and key.
    var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in promise.succeed(current.withLock { $0.override }) }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let due = ServerIdentity.renewalTime(of: self.leaf)
                let wait = due.timeIntervalSinceNow
                if wait <= 0 {
                    do {
                        try self.renew()
                        // Never more than once a second, however short the configured life.
                        try await Task.sleep(for: .seconds(1))
                    } catch is CancellationError {
                        return
                    } catch {
                        self.logger.error("renewing the server certificate failed; retrying", metadata: ["error": "\(error)"])
                        try await Task.sleep(for: min(self.checkInterval, .seconds(60)))
                    }
                    continue
                }
                try await Task.sleep(for: min(self.checkInterval, .milliseconds(Int64(wait * 1000) + 1)))
            }
        }
    }

    /// Issues a new server certificate now and presents it from the next handshake on.
    func renew(now: Date = Date()) throws {
        let (chain, key) = try ServerIdentity.renewServerCertificate(
            dataDirectory: dataDirectory, identity: hierarchy(), dnsNames: dnsNames, ipAddresses: ipAddresses, cipher: cipher(), validity: validity,
            now: now)
        let next = try Self.current(chainPEM: chain, keyPEM: key)
        current.withLock { $0 = next }
        logger.notice(
            "server certificate renewed", metadata: ["serial": "\(CertificateIssuer.hex(next.leaf.serialNumber))", "notAfter": "\(next.leaf.notValidAfter)"])
    }

    private static func current(chainPEM: String, keyPEM: String) throws -> Current {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8))
        guard let first = chain.first else { throw HearthError(.internalError, "the server certificate chain is empty") }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        return Current(leaf: try Certificate(derEncoded: try first.toDERBytes()), override: override)
    }
}
