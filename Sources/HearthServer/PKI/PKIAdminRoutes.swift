import Foundation
import HTTPTypes
import HearthCore
import HearthSecurity
import Hummingbird
import X509

/// The certificate authority's admin routes (only cluster-admins hold the verbs on `pki`):
///
/// - `GET /v1/admin/pki`: the hierarchy: the root (and whether its key is online), the
///   intermediates published (current first) and the server's own certificate.
/// - `POST /v1/admin/pki/intermediate/rotate {rootKey?}`: a new current intermediate; the old one
///   stays published until no live certificate it issued remains. With the root offline, the
///   root key comes in the body, is used for this one signature and is not stored.
/// - `POST /v1/admin/pki/root/export`: the root's certificate and private key, for keeping
///   offline (the one API through which a CA key leaves the server); the export is recorded.
/// - `DELETE /v1/admin/pki/root/key`: removes the root key from the server once it was exported.
struct PKIAdminRoutes: Sendable {
    static let area = "pki"

    let authorities: CertificateAuthorityKeeper
    /// The certificate the server presents now.
    let serverCertificate: @Sendable () -> Certificate
    let maxBodyBytes: Int

    struct Status: Encodable {
        struct Authority: Encodable {
            var serial: String
            var subject: String
            var fingerprint: String
            var notBefore: String
            var notAfter: String
            var current: Bool?
        }

        struct Root: Encodable {
            var certificate: Authority
            var keyOnline: Bool
            var exported: RootKeyExport?
        }

        struct Server: Encodable {
            var serial: String
            var issuer: String
            var notAfter: String
        }

        /// Whether this replica's hierarchy is the one the replicas of its database share.
        struct Sharing: Encodable {
            /// `shared`, `local` (the shared one does not open here) or `pending` (not compared yet).
            var state: String
            var version: Int64?
            var reason: String?
        }

        var root: Root
        var intermediates: [Authority]
        var server: Server
        var sharing: Sharing
    }

    struct RotateBody: Decodable {
        var rootKey: String?
    }

    struct Export: Encodable {
        var certificate: String
        var privateKey: String
        var fingerprint: String
    }

    func register(on api: APIRouter) {
        api.add(
            .get, "/v1/admin/pki", permission: .action(verb: Verbs.get, resource: Self.area),
            summary: "The certificate authority: the root (key online or not), the intermediates published, the server's certificate"
        ) { _, _ in try JSONResponse.make(try status()) }
        api.add(
            .post, "/v1/admin/pki/intermediate/rotate", permission: .action(verb: "rotate", resource: Self.area),
            summary:
                "Rotate the intermediate CA: a new one signs from now on, the old one stays published until the certificates it issued expire; {rootKey} (PEM) when the root is offline, used once and not stored"
        ) { request, _ in
            let body = try await JSONResponse.decode(RotateBody.self, from: request, limit: maxBodyBytes, optional: true)
            try await authorities.rotateIntermediate(rootKeyPEM: body.rootKey)
            return try JSONResponse.make(try status(), status: .created)
        }
        api.add(
            .post, "/v1/admin/pki/root/export", permission: .action(verb: "export", resource: Self.area),
            summary: "Export the root CA's certificate and private key (PEM) for keeping offline; the export is recorded and audited"
        ) { _, context in
            let caller = context.principal.subject?.text ?? "\(context.principal)"
            let exported = try await authorities.exportRootKey(by: caller)
            return try JSONResponse.make(
                Export(certificate: exported.certificatePEM, privateKey: exported.privateKeyPEM, fingerprint: try authorities.identity.authority.fingerprint),
                headers: [.cacheControl: "no-store"])
        }
        api.add(
            .delete, "/v1/admin/pki/root/key", permission: .action(verb: Verbs.delete, resource: Self.area),
            summary: "Remove the root CA's private key from the server (it must have been exported): the root is offline from then on"
        ) { _, _ in
            try await authorities.removeRootKey()
            return try JSONResponse.make(try status())
        }
    }

    private var sharing: Status.Sharing {
        switch authorities.sharing {
        case .pending: Status.Sharing(state: "pending")
        case .shared(let version): Status.Sharing(state: "shared", version: version)
        case .local(let reason): Status.Sharing(state: "local", reason: reason)
        }
    }

    private func status() throws -> Status {
        let identity = authorities.identity
        func describe(_ ca: CertificateAuthority, current: Bool?) throws -> Status.Authority {
            Status.Authority(
                serial: ca.serial, subject: "\(ca.certificate.subject)", fingerprint: try ca.fingerprint,
                notBefore: Timestamp.string(from: ca.certificate.notValidBefore), notAfter: Timestamp.string(from: ca.certificate.notValidAfter),
                current: current)
        }
        let leaf = serverCertificate()
        return Status(
            root: Status.Root(certificate: try describe(identity.authority, current: nil), keyOnline: identity.authority.hasPrivateKey, exported: identity.rootKeyExport),
            intermediates: try identity.intermediates.enumerated().map { try describe($1, current: $0 == 0) },
            server: Status.Server(
                serial: CertificateIssuer.hex(leaf.serialNumber), issuer: "\(leaf.issuer)", notAfter: Timestamp.string(from: leaf.notValidAfter)),
            sharing: sharing)
    }
}
