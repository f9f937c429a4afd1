import Foundation
import HTTPTypes
import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird
import NIOCore

/// The certificate authority's API.
///
/// - `GET /v1/pki/ca.pem` (anonymous): the trust bundle: root, the current intermediate, then
///   the intermediates rotated out that are still published.
/// - `GET /v1/pki/crl` (anonymous): the CRL signed by the current intermediate, DER
///   (`?format=pem`: PEM); `?intermediate=SERIAL`: the one signed by a previous intermediate.
/// - `POST /v1/namespaces/{ns}/certificates`: a certificate from a CSR (`csr`) or with a key made
///   here (`generate: true`), for the names asked for, judged by the issuance policy the request
///   names (`policy`, an `issuancepolicies` resource of the namespace) or, for a service account's
///   SPIFFE identity (`serviceAccount`), by its default policy. Refusals answer 4xx with the
///   reason and are audited like every issuance.
/// - `GET …/certificates`, `GET …/certificates/{serial}`, `POST …/certificates/{serial}/revoke`.
struct PKIRoutes: Sendable {
    static let area = "certificates"

    let store: Store
    let authorities: CertificateAuthorityKeeper
    let certificates: IssuedCertificates
    let clientCertificates: ClientCertificates?
    let clusterDomain: String
    let maxBodyBytes: Int

    struct IssueBody: Decodable {
        var csr: String?
        var generate: Bool?
        var keyType: String?
        var commonName: String?
        var dnsNames: [String]?
        var ipAddresses: [String]?
        var uris: [String]?
        var serviceAccount: String?
        /// true: a client certificate for the calling user's own identity.
        var user: Bool?
        var usage: [String]?
        var ttl: String?
        var policy: String?
    }

    struct Issued: Encodable {
        var certificate: String
        /// The intermediate's PEM, then the root's.
        var chain: [String]
        var serial: String
        var notBefore: String
        var notAfter: String
        var privateKey: String?
        var namespace: String
        var policy: String
    }

    private struct RevokeBody: Decodable {
        var reason: String?
    }

    private struct CertificateList: Encodable {
        var namespace: String
        var items: [CertificateRecord]
    }

    func register(on api: APIRouter) throws {
        api.add(
            .get, "/v1/pki/ca.pem", permission: .anonymous,
            summary: "The trust bundle of certificates Hearth issues: root, the current intermediate, then previous intermediates still published (PEM)"
        ) { _, _ in
            let bundle = ByteBuffer(string: try authorities.identity.trustBundlePEM)
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: bundle))
        }
        api.add(
            .get, "/v1/pki/crl", permission: .anonymous,
            summary:
                "The certificate revocation list, signed by the current intermediate (?intermediate=SERIAL: by a previous one still published): DER (application/pkix-crl), or PEM with ?format=pem"
        ) { request, _ in
            let serial = try request.uri.queryParameters["intermediate"].flatMap { $0.isEmpty ? nil : try Self.serial(String($0)) }
            let der = try await certificates.revocationList(intermediate: serial)
            switch request.uri.queryParameters["format"].map(String.init) {
            case nil, "der":
                return Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: .init(byteBuffer: ByteBuffer(bytes: der)))
            case "pem":
                return Response(
                    status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: ByteBuffer(string: RevocationList.pem(der))))
            case let other?:
                throw HearthError(.badRequest, "format must be der or pem, not '\(other)'")
            }
        }
        let base = "/v1/namespaces/{namespace}/certificates"
        api.add(
            .post, base, permission: .namespaced(verb: Verbs.create, area: Self.area),
            summary:
                "Issue a certificate from a CSR ({csr}) or with a key made here ({generate: true}) for dnsNames, ipAddresses, uris and/or a serviceAccount's SPIFFE ID, usage [server, client], ttl; judged by the issuance policy named ({policy}) or a service account's default"
        ) { try await issue($0, $1) }
        api.add(.get, base, permission: .namespaced(verb: Verbs.list, area: Self.area), summary: "List the certificates issued in a namespace") {
            _, context in
            let namespace = context.parameters.get("namespace") ?? ""
            return try JSONResponse.make(CertificateList(namespace: namespace, items: try await certificates.list(namespace: namespace)))
        }
        api.add(
            .get, base + "/{serial}", permission: .namespaced(verb: Verbs.get, area: Self.area),
            summary: "One certificate issued in a namespace, by serial (hex, as openssl x509 -serial prints it)"
        ) { _, context in
            let (namespace, serial) = try Self.path(context)
            guard let record = try await certificates.find(namespace: namespace, serial: serial) else {
                throw HearthError(.notFound, "no certificate with serial \(serial) in namespace '\(namespace)'")
            }
            return try JSONResponse.make(record)
        }
        api.add(
            .post, base + "/{serial}/revoke", permission: .namespaced(verb: Verbs.update, area: Self.area),
            summary: "Revoke a certificate by serial ({reason} optional); it is in the CRL from then on until it expires"
        ) { try await revoke($0, $1) }
    }

    // MARK: Handlers

    private func issue(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let namespace = context.parameters.get("namespace") ?? ""
        let body = try await JSONResponse.decode(IssueBody.self, from: request, limit: maxBodyBytes)
        var violations: [FieldViolation] = []

        // The key: a CSR's (its signature checked) or one made here.
        var signingRequest: SigningRequest?
        var keyType = CertificateKeyType.ecdsaP256
        switch (body.csr, body.generate ?? false) {
        case (let csr?, false):
            if body.keyType != nil { violations.append(FieldViolation(field: "keyType", reason: "comes from the CSR; leave it out")) }
            let parsed = try SigningRequest(pem: csr)
            signingRequest = parsed
            keyType = parsed.keyType
        case (nil, true):
            if let text = body.keyType {
                guard let named = CertificateKeyType(rawValue: text), CertificateKeyType.generatable.contains(named) else {
                    throw HearthError.invalid([
                        FieldViolation(
                            field: "keyType", reason: "Hearth makes \(CertificateKeyType.generatable.map(\.rawValue).joined(separator: " or ")) keys, not '\(text)'")
                    ])
                }
                keyType = named
            }
        default:
            throw HearthError.invalid([FieldViolation(field: "csr", reason: "send either a PEM CSR (csr) or generate: true, not both or neither")])
        }

        // The names.
        var names = CertificateNames(
            dnsNames: body.dnsNames ?? [], ipAddresses: body.ipAddresses ?? [], uris: body.uris ?? [], keyType: keyType)
        var spiffeID: String?
        if let account = body.serviceAccount {
            if let problem = Names.dnsLabelProblem(account) {
                throw HearthError.invalid([FieldViolation(field: "serviceAccount", reason: problem)])
            }
            let key = ResourceKey(type: IdentityTypes.serviceAccountsTypeName, namespace: namespace, name: account)
            guard try await store.get(key) != nil else {
                throw HearthError.invalid([
                    FieldViolation(field: "serviceAccount", reason: "service account '\(account)' does not exist in namespace '\(namespace)'")
                ])
            }
            let id = CertificateNames.spiffeID(clusterDomain: clusterDomain, namespace: namespace, serviceAccount: account)
            spiffeID = id
            if !names.uris.contains(id) { names.uris.insert(id, at: 0) }
        }
        var userName: String?
        if body.user == true {
            guard body.serviceAccount == nil else {
                throw HearthError.invalid([FieldViolation(field: "user", reason: "a certificate is for a user or for a service account, not both")])
            }
            let principal = context.principal
            guard principal.kind == .user else {
                throw HearthError(.forbidden, "only a user can be issued a user's client certificate, for itself; \(principal) is not a user")
            }
            let id = CertificateNames.userID(clusterDomain: clusterDomain, user: principal.name)
            userName = principal.name
            spiffeID = id
            if !names.uris.contains(id) { names.uris.insert(id, at: 0) }
        }

        // Identities in the cluster's own trust domain authenticate API calls (mTLS): they are
        // issued only through serviceAccount, never by a policy.
        let trustDomain = "spiffe://\(clusterDomain)/"
        for (index, uri) in (body.uris ?? []).enumerated() where uri != spiffeID && uri.lowercased().hasPrefix(trustDomain) {
            violations.append(
                FieldViolation(
                    field: "uris[\(index)]", reason: "'\(uri)' is in the cluster's trust domain: such identities are issued only with serviceAccount or user"))
        }
        guard violations.isEmpty else { throw HearthError.invalid(violations) }

        // The policy it is judged by.
        let policy: IssuancePolicy
        if let name = body.policy {
            if let problem = Names.dnsLabelProblem(name) { throw HearthError.invalid([FieldViolation(field: "policy", reason: problem)]) }
            let key = ResourceKey(type: PKIResourceTypes.policiesTypeName, namespace: namespace, name: name)
            guard let resource = try await store.get(key) else {
                throw HearthError.invalid([
                    FieldViolation(field: "policy", reason: "there is no issuancepolicies/\(name) in namespace '\(namespace)'")
                ])
            }
            policy = try PKIResourceTypes.policy(from: resource.spec, name: "issuancepolicies/\(name)")
        } else if let account = body.serviceAccount {
            policy = IssuancePolicy.serviceAccountDefault(clusterDomain: clusterDomain, namespace: namespace, serviceAccount: account)
        } else if let userName, let spiffeID {
            // A user's own identity, for client authentication only.
            policy = IssuancePolicy(name: "the default policy of user '\(userName)'", uris: [spiffeID], usages: [.client], maxTTL: 30 * 86400)
        } else {
            throw HearthError.invalid([
                FieldViolation(
                    field: "policy", reason: "name the issuance policy the request is judged by (an issuancepolicies resource), or a serviceAccount")
            ])
        }

        // Usages (default: all the policy allows) and TTL (default 72h, at most the policy's).
        if let usage = body.usage {
            var usages = Set<CertificateUsage>()
            for (index, text) in usage.enumerated() {
                if let value = CertificateUsage(rawValue: text) {
                    usages.insert(value)
                } else {
                    violations.append(FieldViolation(field: "usage[\(index)]", reason: "must be server or client, not '\(text)'"))
                }
            }
            names.usages = usages
        } else {
            names.usages = policy.usages
        }
        if let text = body.ttl {
            if let ttl = Duration.parse(text), ttl >= .seconds(60), ttl <= .seconds(IssuancePolicy.ceilingTTL) {
                names.ttl = ttl.components.seconds
            } else {
                violations.append(FieldViolation(field: "ttl", reason: "must be a duration from 1m to 8760h, such as 24h, not '\(text)'"))
            }
        } else {
            names.ttl = min(IssuancePolicy.defaultTTL, policy.maxTTL)
        }
        violations += names.violations
        guard violations.isEmpty else { throw HearthError.invalid(violations) }

        // A service account's own SPIFFE ID is allowed by its existence and the caller's right to
        // issue here; everything else by the policy.
        var judged = names
        if body.policy != nil, let spiffeID { judged.uris.removeAll { $0 == spiffeID } }
        let refused = policy.violations(of: judged)
        guard refused.isEmpty else {
            let summary = refused.prefix(3).map(\.description).joined(separator: "; ")
            throw HearthError(.forbidden, "the request goes beyond \(policy.name): \(summary)", violations: refused)
        }
        // Whatever the namespace's policy says, its names must be within the cluster's ceiling.
        var bounded = judged
        if let spiffeID { bounded.uris.removeAll { $0 == spiffeID } }
        if !bounded.dnsNames.isEmpty || !bounded.ipAddresses.isEmpty || !bounded.uris.isEmpty {
            let ceiling = IssuanceCeiling.policy(namespace: namespace, clusterDomain: clusterDomain, ceilings: try await ceilings())
            let beyond = ceiling.violations(of: bounded)
            guard beyond.isEmpty else {
                let summary = beyond.prefix(3).map(\.description).joined(separator: "; ")
                throw HearthError(.forbidden, "the request goes beyond \(ceiling.name): \(summary)", violations: beyond)
            }
        }

        let issuer = authorities.issuer
        let leaf: IssuedLeaf
        do {
            if let signingRequest {
                leaf = try issuer.issue(names, publicKey: signingRequest.publicKey, commonName: body.commonName ?? signingRequest.commonName)
            } else {
                leaf = try issuer.issueWithNewKey(names, commonName: body.commonName)
            }
        } catch let error as HearthError {
            throw error
        } catch {
            throw HearthError(.invalid, "no certificate can be made of this request: \(String(describing: error).prefix(200))")
        }
        let caller = context.principal.subject?.text ?? "\(context.principal)"
        try await certificates.record(
            CertificateRecord(
                serial: leaf.serial, namespace: namespace, commonName: body.commonName ?? signingRequest?.commonName ?? names.dnsNames.first ?? names.uris.first ?? "",
                dnsNames: names.dnsNames, ipAddresses: names.ipAddresses, uris: names.uris, serviceAccount: body.serviceAccount, user: userName,
                usages: names.usages.map(\.rawValue).sorted(), keyType: keyType.rawValue, policy: policy.name, issuedBy: caller,
                issuer: issuer.intermediate.serial,
                notBefore: Timestamp.string(from: leaf.notBefore), notAfter: Timestamp.string(from: leaf.notAfter)))
        context.auditNote?.name = leaf.serial
        return try JSONResponse.make(
            Issued(
                certificate: leaf.certificatePEM, chain: leaf.chainPEM, serial: leaf.serial, notBefore: Timestamp.string(from: leaf.notBefore),
                notAfter: Timestamp.string(from: leaf.notAfter), privateKey: leaf.privateKeyPEM, namespace: namespace, policy: policy.name),
            status: .created, headers: [.cacheControl: "no-store"])
    }

    private func revoke(_ request: Request, _ context: HearthRequestContext) async throws -> Response {
        let (namespace, serial) = try Self.path(context)
        let body = try await JSONResponse.decode(RevokeBody.self, from: request, limit: maxBodyBytes, optional: true)
        let caller = context.principal.subject?.text ?? "\(context.principal)"
        guard let record = try await certificates.revoke(namespace: namespace, serial: serial, by: caller, reason: body.reason) else {
            throw HearthError(.notFound, "no certificate with serial \(serial) in namespace '\(namespace)'")
        }
        clientCertificates?.forget(serial: serial)
        return try JSONResponse.make(record)
    }

    /// The cluster's issuance ceilings (`issuanceceilings` resources).
    private func ceilings() async throws -> [IssuanceCeiling] {
        var found: [IssuanceCeiling] = []
        var options = ListOptions(type: PKIResourceTypes.ceilingsTypeName, limit: ListOptions.maxLimit)
        while true {
            let page = try await store.list(options)
            found += page.items.map { PKIResourceTypes.ceiling(from: $0.spec, name: "issuanceceilings/\($0.name)") }
            guard let next = page.next else { return found }
            options.after = next
        }
    }

    /// The namespace and the serial of the path (see ``serial(_:)``).
    static func path(_ context: HearthRequestContext) throws -> (String, String) {
        let namespace = context.parameters.get("namespace") ?? ""
        let serial = try serial(context.parameters.get("serial") ?? "")
        context.auditNote?.name = serial
        return (namespace, serial)
    }

    /// A serial as uppercase hex, as `openssl x509 -serial` prints it (colons and a `0x` prefix
    /// allowed, leading zero bytes kept as sent); 400 for what is not one.
    static func serial(_ text: String) throws -> String {
        var serial = text.uppercased().replacingOccurrences(of: ":", with: "")
        if serial.hasPrefix("0X") { serial.removeFirst(2) }
        guard !serial.isEmpty, serial.count <= 42, serial.allSatisfy(\.isHexDigit) else {
            throw HearthError(.badRequest, "'\(text)' is not a certificate serial in hex (as openssl x509 -serial prints it)")
        }
        if serial.count % 2 == 1 { serial = "0" + serial }
        return serial
    }
}
