import Crypto
import Foundation
import HearthCore
import JWTKit

/// Issues and verifies short-lived access tokens: JWTs signed with Ed25519 (`alg` `EdDSA`).
///
/// A token's header names its signing key (`kid`); its claims are `sub` (who it speaks for), `cid`
/// (the cluster), `sid` (the login session), `iat` and `exp`: nothing more, since the token rides
/// on every request (an `nbf` is honoured when present; it would always equal `iat`). ``jwks()`` publishes
/// the public keys so other services can verify tokens without calling the server.
///
/// Keys rotate: ``rotated(newKey:)`` gives a service that signs with a new key and still accepts
/// tokens signed by the previous ones, until the caller drops them (once their tokens have expired).
///
/// ```swift
/// let service = try await AccessTokenService(clusterID: "c1", signingKey: try .generate())
/// let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s1", ttl: .seconds(900))
/// let claims = try await service.verify(token)  // claims.subject == "user:alice"
/// ```
public struct AccessTokenService: Sendable {
    /// The cluster whose tokens this service issues and accepts (`cid`).
    public let clusterID: String
    /// The key new tokens are signed with.
    public let signingKey: SigningKey
    /// Older keys whose tokens are still accepted; only their public halves are used.
    public let verificationKeys: [SigningKey]
    /// Other signers' public keys (other replicas, or keys retired elsewhere) whose tokens are accepted.
    public let publicKeys: [VerificationKey]
    /// How far `exp` and `iat` (or `nbf`) may be off, for clock skew between machines.
    public let leeway: Duration

    /// The longest token accepted, in bytes; ours are well under 1 KiB.
    static let maximumTokenLength = 8192

    private let keys: JWTKeyCollection
    private let keyIDs: Set<String>

    /// A service for `clusterID` that signs with `signingKey` and also accepts tokens signed by
    /// `verificationKeys`.
    /// - Throws: `HearthError(.invalid)` for an empty cluster id, a negative leeway, or two
    ///   different keys with the same id.
    public init(
        clusterID: String, signingKey: SigningKey, verificationKeys: [SigningKey] = [], publicKeys: [VerificationKey] = [],
        leeway: Duration = .seconds(30)
    ) async throws {
        guard !clusterID.isEmpty else { throw HearthError(.invalid, "the cluster id of access tokens must not be empty") }
        guard leeway >= .zero else { throw HearthError(.invalid, "the leeway of access tokens must not be negative") }
        var older: [SigningKey] = []
        var seen: [String: SigningKey] = [signingKey.id: signingKey]
        for key in verificationKeys {
            if let known = seen[key.id] {
                guard known == key else { throw HearthError(.invalid, "two signing keys have the id '\(key.id)'") }
                continue
            }
            seen[key.id] = key
            older.append(key)
        }
        let keys = JWTKeyCollection()
        await keys.add(eddsa: EdDSA.PrivateKey(backing: signingKey.privateKey), kid: JWKIdentifier(string: signingKey.id))
        for key in older {
            await keys.add(eddsa: EdDSA.PublicKey(backing: key.privateKey.publicKey), kid: JWKIdentifier(string: key.id))
        }
        var others: [VerificationKey] = []
        var seenPublic: [String: Data] = seen.mapValues(\.rawPublicKey)
        for key in publicKeys {
            if let known = seenPublic[key.id] {
                guard known == key.rawPublicKey else { throw HearthError(.invalid, "two signing keys have the id '\(key.id)'") }
                continue
            }
            seenPublic[key.id] = key.rawPublicKey
            others.append(key)
            let backing = try Curve25519.Signing.PublicKey(rawRepresentation: key.rawPublicKey)
            await keys.add(eddsa: EdDSA.PublicKey(backing: backing), kid: JWKIdentifier(string: key.id))
        }
        self.publicKeys = others
        self.clusterID = clusterID
        self.signingKey = signingKey
        self.verificationKeys = older
        self.leeway = leeway
        self.keys = keys
        self.keyIDs = Set(seenPublic.keys)
    }

    /// A service that signs with `newKey` and still accepts tokens signed by this one's keys.
    /// - Throws: `HearthError(.invalid)` when `newKey` has the id of a different known key.
    public func rotated(newKey: SigningKey) async throws -> AccessTokenService {
        try await AccessTokenService(
            clusterID: clusterID, signingKey: newKey, verificationKeys: [signingKey] + verificationKeys, publicKeys: publicKeys,
            leeway: leeway)
    }

    /// Signs a new token for `subject` in the session `sessionID`, valid from `now` (whole seconds)
    /// for `ttl` (rounded up to whole seconds).
    /// - Throws: `HearthError(.invalid)` for an empty subject or session id or a `ttl` under one second.
    public func issue(
        subject: String, sessionID: String, ttl: Duration, now: Date = Date()
    ) async throws -> (token: String, expiresAt: Date) {
        guard !subject.isEmpty, !sessionID.isEmpty else {
            throw HearthError(.invalid, "an access token needs a subject and a session id")
        }
        let (seconds, attoseconds) = ttl.components
        let lifetime = seconds + (attoseconds > 0 ? 1 : 0)
        guard lifetime >= 1 else { throw HearthError(.invalid, "an access token must live at least one second") }
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let payload = AccessTokenPayload(
            sub: subject, cid: clusterID, sid: sessionID, iat: issuedAt, exp: issuedAt + lifetime)
        let token: String
        do {
            token = try await keys.sign(payload, kid: JWKIdentifier(string: signingKey.id), header: ["typ": "JWT"])
        } catch {
            throw HearthError(.internalError, "cannot sign an access token: \(error)")
        }
        return (token, Date(timeIntervalSince1970: TimeInterval(payload.exp)))
    }

    /// The claims of `token` once it has passed every check.
    ///
    /// - Throws: `HearthError(.unauthorized)` with a short reason when the token is malformed, its
    ///   `alg` is not `EdDSA`, its `kid` is missing or unknown, it has a `crit` header, its signature
    ///   does not match (a tampered header or payload, or a foreign key), it is for another cluster,
    ///   it has expired, or it is not valid yet (both with ``leeway``).
    public func verify(_ token: String, now: Date = Date()) async throws -> AccessTokenClaims {
        let kid = try checkHeader(of: token)
        let payload: AccessTokenPayload
        do {
            payload = try await keys.verify(token, as: AccessTokenPayload.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw HearthError(.unauthorized, "invalid token signature")
        } catch {
            throw HearthError(.unauthorized, "malformed token")
        }
        let notBefore = max(payload.iat, payload.nbf ?? payload.iat)
        guard !payload.sub.isEmpty, !payload.sid.isEmpty, notBefore < payload.exp else {
            throw HearthError(.unauthorized, "malformed token")
        }
        guard payload.cid == clusterID else { throw HearthError(.unauthorized, "token is for another cluster") }
        let seconds = now.timeIntervalSince1970
        let slack = Double(leeway.components.seconds) + Double(leeway.components.attoseconds) / 1e18
        guard seconds < Double(payload.exp) + slack else { throw HearthError(.unauthorized, "token has expired") }
        guard seconds + slack >= Double(notBefore) else {
            throw HearthError(.unauthorized, "token is not valid yet")
        }
        return AccessTokenClaims(
            subject: payload.sub, clusterID: payload.cid, sessionID: payload.sid,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(payload.iat)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(payload.exp)),
            keyID: kid)
    }

    /// The public keys as a JSON Web Key Set: `{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": ...,
    /// "kid": ..., "alg": "EdDSA", "use": "sig"}, ...]}`, the current key first.
    public func jwks() -> JSONValue {
        .object(["keys": .array(([signingKey] + verificationKeys).map(\.publicJWK) + publicKeys.map(\.publicJWK))])
    }

    /// Checks the token's shape and header before any key is used, and returns its `kid`.
    ///
    /// jwt-kit would fall back to its default key for a missing or unknown `kid` and does not look
    /// at `alg` when the key fixes the algorithm; Hearth refuses such tokens outright. Every part
    /// must also be canonical base64url, so a token has exactly one spelling.
    private func checkHeader(of token: String) throws -> String {
        let malformed = HearthError(.unauthorized, "malformed token")
        guard token.utf8.count <= Self.maximumTokenLength else { throw malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = UnpaddedBase64.decode(parts[0], alphabet: .url),
            UnpaddedBase64.decode(parts[1], alphabet: .url) != nil,
            let signature = UnpaddedBase64.decode(parts[2], alphabet: .url),
            let header = try? JSONDecoder().decode(JSONValue.self, from: Data(headerBytes)).objectValue
        else { throw malformed }
        guard header["alg"]?.stringValue == "EdDSA" else { throw HearthError(.unauthorized, "unsupported token algorithm") }
        guard header["crit"] == nil else { throw HearthError(.unauthorized, "unsupported critical token header") }
        guard let kid = header["kid"]?.stringValue, !kid.isEmpty else { throw HearthError(.unauthorized, "token has no key id") }
        guard keyIDs.contains(kid) else { throw HearthError(.unauthorized, "unknown token signing key") }
        guard signature.count == 64 else { throw HearthError(.unauthorized, "invalid token signature") }
        return kid
    }
}
