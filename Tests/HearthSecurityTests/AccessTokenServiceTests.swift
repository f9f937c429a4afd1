import Crypto
import Foundation
import HearthCore
import HearthTestSupport
import JWTKit
import Testing

@testable import HearthSecurity

@Suite("AccessTokenService")
struct AccessTokenServiceTests {
    static let cluster = "cluster-1"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let epoch: Int64 = 1_750_000_000

    let key: SigningKey
    let service: AccessTokenService

    init() async throws {
        key = try SigningKey.generate(id: "key-1", now: Self.now)
        service = try await AccessTokenService(clusterID: Self.cluster, signingKey: key)
    }

    /// Expects `token` to be refused with `unauthorized` and `reason` as the message.
    func expectRejected(
        _ token: String, by service: AccessTokenService? = nil, at now: Date = AccessTokenServiceTests.now,
        reason: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            let claims = try await (service ?? self.service).verify(token, now: now)
            Issue.record("accepted a token that should be refused (\(reason)): \(claims)", sourceLocation: sourceLocation)
        } catch let error as HearthError {
            #expect(error.code == .unauthorized, sourceLocation: sourceLocation)
            #expect(error.message == reason, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Accepted tokens

    @Test("an issued token verifies and carries its claims")
    func roundTrip() async throws {
        let (token, expiresAt) = try await service.issue(
            subject: "sa:ns/robot", sessionID: "session-9", ttl: .seconds(900), now: Self.now.addingTimeInterval(0.7))
        #expect(expiresAt == Self.now.addingTimeInterval(900))
        let claims = try await service.verify(token, now: Self.now.addingTimeInterval(10))
        #expect(claims.subject == "sa:ns/robot")
        #expect(claims.clusterID == Self.cluster)
        #expect(claims.sessionID == "session-9")
        #expect(claims.keyID == "key-1")
        #expect(claims.issuedAt == Self.now)
        #expect(claims.expiresAt == expiresAt)

        let parts = JWTForge.split(token)
        #expect(parts.header == JWTForge.header(kid: "key-1"))
        // Nothing more: the token rides on every request.
        #expect(Set(parts.payload.keys) == ["sub", "cid", "sid", "iat", "exp"])
        #expect(parts.payload["exp"] == .int(Self.epoch + 900))
    }

    @Test("a token as earlier versions issued it, with nbf and jti, still verifies")
    func earlierTokens() async throws {
        let payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        #expect(payload["nbf"] == .int(Self.epoch) && payload["jti"] != nil)
        let token = JWTForge.signed(header: JWTForge.header(kid: key.id), payload: payload, with: key)
        let claims = try await service.verify(token, now: Self.now.addingTimeInterval(10))
        #expect(claims.issuedAt == Self.now && claims.subject == payload["sub"]?.stringValue)
    }

    @Test("issue refuses an empty subject or session and a lifetime under a second")
    func issueRefusesBadInput() async throws {
        await #expect(throws: HearthError(.invalid, "")) {
            try await service.issue(subject: "", sessionID: "s", ttl: .seconds(60))
        }
        await #expect(throws: HearthError(.invalid, "")) {
            try await service.issue(subject: "user:a", sessionID: "", ttl: .seconds(60))
        }
        await #expect(throws: HearthError(.invalid, "")) {
            try await service.issue(subject: "user:a", sessionID: "s", ttl: .zero)
        }
        let (_, expiresAt) = try await service.issue(subject: "user:a", sessionID: "s", ttl: .milliseconds(1), now: Self.now)
        #expect(expiresAt == Self.now.addingTimeInterval(1))
    }

    // MARK: - Time

    @Test("an expired token is refused after the 30 s leeway, accepted within it")
    func expired() async throws {
        let (token, expiresAt) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        _ = try await service.verify(token, now: expiresAt.addingTimeInterval(29))
        await expectRejected(token, at: expiresAt.addingTimeInterval(30), reason: "token has expired")
        await expectRejected(token, at: expiresAt.addingTimeInterval(3600), reason: "token has expired")
    }

    @Test("the leeway is configurable")
    func configurableLeeway() async throws {
        let strict = try await AccessTokenService(clusterID: Self.cluster, signingKey: key, leeway: .zero)
        let (token, expiresAt) = try await strict.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        _ = try await strict.verify(token, now: expiresAt.addingTimeInterval(-0.001))
        await expectRejected(token, by: strict, at: expiresAt, reason: "token has expired")
        await expectRejected(token, by: strict, at: Self.now.addingTimeInterval(-1), reason: "token is not valid yet")
        await #expect(throws: HearthError(.invalid, "")) {
            try await AccessTokenService(clusterID: Self.cluster, signingKey: key, leeway: .seconds(-1))
        }
    }

    @Test("a token used before nbf is refused beyond the leeway, accepted within it")
    func notYetValid() async throws {
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        _ = try await service.verify(token, now: Self.now.addingTimeInterval(-30))
        await expectRejected(token, at: Self.now.addingTimeInterval(-31), reason: "token is not valid yet")
    }

    @Test("a token with nbf in the future of iat is refused until nbf")
    func notBeforeAfterIssuedAt() async throws {
        var payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        payload["nbf"] = .int(Self.epoch + 300)
        let token = JWTForge.signed(header: JWTForge.header(kid: key.id), payload: payload, with: key)
        await expectRejected(token, at: Self.now.addingTimeInterval(100), reason: "token is not valid yet")
        _ = try await service.verify(token, now: Self.now.addingTimeInterval(300))
    }

    // MARK: - Cluster

    @Test("a token for another cluster is refused, even when signed with a trusted key")
    func wrongCluster() async throws {
        let other = try await AccessTokenService(clusterID: "cluster-2", signingKey: key)
        let (token, _) = try await other.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        await expectRejected(token, reason: "token is for another cluster")

        var payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        payload["cid"] = nil
        let withoutCluster = JWTForge.signed(header: JWTForge.header(kid: key.id), payload: payload, with: key)
        await expectRejected(withoutCluster, reason: "malformed token")
    }

    // MARK: - Signature and tampering

    @Test("a hand-built token with the right key and claims is accepted (the forge is faithful)")
    func forgedWithRightKeyIsAccepted() async throws {
        let token = JWTForge.signed(
            header: JWTForge.header(kid: key.id), payload: JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch), with: key)
        let claims = try await service.verify(token, now: Self.now)
        #expect(claims.subject == "user:alice")
    }

    @Test("a changed payload breaks the signature")
    func tamperedPayload() async throws {
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        var (header, payload, signature) = JWTForge.split(token)
        payload["sub"] = .string("user:admin")
        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: signature), reason: "invalid token signature")

        (header, payload, signature) = JWTForge.split(token)
        payload["exp"] = .int(Self.epoch + 86400 * 365)
        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: signature), reason: "invalid token signature")

        // The original payload re-encoded in another key order is other bytes: the signature covers bytes.
        let parts = token.split(separator: ".")
        let reordered = String(parts[0]) + "." + JWTForge.encode(JWTForge.split(token).payload) + "." + String(parts[2])
        if reordered != token {
            await expectRejected(reordered, reason: "invalid token signature")
        }
    }

    @Test("a changed header breaks the signature")
    func tamperedHeader() async throws {
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        var (header, payload, signature) = JWTForge.split(token)
        header["typ"] = .string("at+jwt")
        header["x5u"] = .string("https://evil.example/keys")
        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: signature), reason: "invalid token signature")
    }

    @Test("a changed or truncated signature is refused")
    func badSignature() async throws {
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        let (header, payload, signature) = JWTForge.split(token)

        var flipped = Array(signature)
        flipped[10] = flipped[10] == "A" ? "B" : "A"
        await expectRejected(
            JWTForge.assemble(header: header, payload: payload, signature: String(flipped)), reason: "invalid token signature")

        let zeros = JWTForge.base64URL([UInt8](repeating: 0, count: 64))
        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: zeros), reason: "invalid token signature")

        let short = JWTForge.base64URL(JWTForge.decodeBase64URL(signature).prefix(63))
        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: short), reason: "invalid token signature")

        await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: ""), reason: "invalid token signature")

        // A signature from another token of the same key.
        let (other, _) = try await service.issue(subject: "user:bob", sessionID: "s", ttl: .seconds(60), now: Self.now)
        await expectRejected(
            JWTForge.assemble(header: header, payload: payload, signature: JWTForge.split(other).signature),
            reason: "invalid token signature")
    }

    @Test("a token signed by a foreign key under a trusted kid is refused")
    func foreignKeySameKid() async throws {
        let impostor = try SigningKey.generate(id: key.id)
        let token = JWTForge.signed(
            header: JWTForge.header(kid: key.id), payload: JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch), with: impostor)
        await expectRejected(token, reason: "invalid token signature")

        let impostorService = try await AccessTokenService(clusterID: Self.cluster, signingKey: impostor)
        let (issued, _) = try await impostorService.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        await expectRejected(issued, reason: "invalid token signature")
    }

    @Test("a token from another service's key is refused as an unknown key")
    func foreignService() async throws {
        let other = try await AccessTokenService(clusterID: Self.cluster, signingKey: try SigningKey.generate())
        let (token, _) = try await other.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        await expectRejected(token, reason: "unknown token signing key")
    }

    // MARK: - Header

    @Test("alg none is refused, with or without a signature and in any spelling")
    func algNone() async throws {
        let payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        for alg in ["none", "None", "NONE", "nOnE"] {
            var header = JWTForge.header(kid: key.id)
            header["alg"] = .string(alg)
            await expectRejected(JWTForge.assemble(header: header, payload: payload, signature: ""), reason: "unsupported token algorithm")
            await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "unsupported token algorithm")
        }
        // An issued token with its header swapped for alg none and its signature dropped.
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        var (header, issuedPayload, _) = JWTForge.split(token)
        header["alg"] = .string("none")
        await expectRejected(
            JWTForge.assemble(header: header, payload: issuedPayload, signature: ""), reason: "unsupported token algorithm")
    }

    @Test("any algorithm other than EdDSA is refused, including HMAC keyed with the public key")
    func otherAlgorithms() async throws {
        let payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        for alg in ["HS256", "RS256", "ES256", "PS256", "Ed25519", "eddsa", "EDDSA", ""] {
            var header = JWTForge.header(kid: key.id)
            header["alg"] = .string(alg)
            await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "unsupported token algorithm")
        }
        // The classic confusion: HS256 with the public key as the HMAC secret.
        var header = JWTForge.header(kid: key.id)
        header["alg"] = .string("HS256")
        let input = JWTForge.encode(header) + "." + JWTForge.encode(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: key.rawPublicKey))
        await expectRejected(input + "." + JWTForge.base64URL(mac), reason: "unsupported token algorithm")

        header["alg"] = nil
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "unsupported token algorithm")
        header["alg"] = .int(0)
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "unsupported token algorithm")
    }

    @Test("a token without a kid is refused even when its signature is good")
    func missingKid() async throws {
        let payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        var header = JWTForge.header(kid: key.id)
        header["kid"] = nil
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "token has no key id")
        header["kid"] = .string("")
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "token has no key id")
        header["kid"] = .int(1)
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "token has no key id")
        header["kid"] = .null
        await expectRejected(JWTForge.signed(header: header, payload: payload, with: key), reason: "token has no key id")
    }

    @Test("a token with an unknown kid is refused even when signed by the current key")
    func unknownKid() async throws {
        let payload = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        for kid in ["key-2", "KEY-1", "key-1 ", "../key-1"] {
            await expectRejected(
                JWTForge.signed(header: JWTForge.header(kid: kid), payload: payload, with: key), reason: "unknown token signing key")
        }
    }

    @Test("a crit header is refused")
    func critHeader() async throws {
        var header = JWTForge.header(kid: key.id)
        header["crit"] = .array([.string("exp")])
        let token = JWTForge.signed(header: header, payload: JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch), with: key)
        await expectRejected(token, reason: "unsupported critical token header")
    }

    // MARK: - Malformed

    @Test(
        "malformed tokens are refused",
        arguments: [
            "", ".", "..", "...", "abc", "a.b", "a.b.c.d", "not a token", "Bearer x.y.z",
            "eyJhbGciOiJFZERTQSJ9.e30", "%%%.e30.AAAA", "eyJhbGciOiJFZERTQSJ9=.e30.AAAA",
        ])
    func malformed(_ token: String) async throws {
        await expectRejected(token, reason: "malformed token")
    }

    @Test("headers that are not a JSON object, parts that are not canonical base64url, and huge tokens are malformed")
    func malformedParts() async throws {
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60), now: Self.now)
        let parts = token.split(separator: ".").map(String.init)
        let payload = parts[1]
        for header in ["[]", "\"EdDSA\"", "1", "{", "", "{\"alg\":\"EdDSA\",\"kid\":\"key-1\""] {
            await expectRejected(JWTForge.base64URL(Array(header.utf8)) + "." + payload + "." + parts[2], reason: "malformed token")
        }
        await expectRejected(parts[0] + "=." + parts[1] + "." + parts[2], reason: "malformed token")
        await expectRejected(parts[0] + "." + parts[1] + "." + parts[2] + "=", reason: "malformed token")
        await expectRejected(parts[0] + "." + parts[1] + "+." + parts[2], reason: "malformed token")
        await expectRejected(" " + token, reason: "malformed token")
        await expectRejected(token + "\n", reason: "malformed token")
        // A non-canonical last character (unused low bits set) in the signature.
        var signature = Array(parts[2])
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        signature[signature.count - 1] = alphabet[alphabet.firstIndex(of: signature.last!)! ^ 1]
        await expectRejected(parts[0] + "." + parts[1] + "." + String(signature), reason: "malformed token")

        let huge = JWTForge.signed(
            header: JWTForge.header(kid: key.id),
            payload: JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch).merging([
                "pad": .string(String(repeating: "x", count: 9000))
            ]) { $1 },
            with: key)
        await expectRejected(huge, reason: "malformed token")
    }

    @Test("validly signed payloads that are not our claims are malformed")
    func malformedPayloads() async throws {
        let header = JWTForge.header(kid: key.id)
        let good = JWTForge.payload(cluster: Self.cluster, issuedAt: Self.epoch)
        var payloads: [String] = [
            JWTForge.base64URL(Array("not json".utf8)), JWTForge.base64URL(Array("[]".utf8)), JWTForge.encode([:]),
        ]
        for claim in ["sub", "cid", "sid", "iat", "exp"] {
            var payload = good
            payload[claim] = nil
            payloads.append(JWTForge.encode(payload))
        }
        for (claim, value) in [
            ("exp", JSONValue.string("tomorrow")), ("iat", .double(1.5)), ("sub", .string("")), ("sub", .int(7)),
            ("nbf", .int(Self.epoch + 600)),
        ] {
            var payload = good
            payload[claim] = value
            payloads.append(JWTForge.encode(payload))
        }
        for payload in payloads {
            await expectRejected(JWTForge.signed(header: JWTForge.encode(header), payload: payload, with: key), reason: "malformed token")
        }
    }

    // MARK: - Keys, rotation, JWKS

    @Test("after rotation new tokens use the new key and old tokens still verify")
    func rotation() async throws {
        let (old, _) = try await service.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(600), now: Self.now)
        let newKey = try SigningKey.generate(id: "key-2", now: Self.now)
        let rotated = try await service.rotated(newKey: newKey)
        #expect(rotated.signingKey == newKey)
        #expect(rotated.verificationKeys == [key])

        #expect(try await rotated.verify(old, now: Self.now).keyID == "key-1")
        let (new, _) = try await rotated.issue(subject: "user:bob", sessionID: "s", ttl: .seconds(600), now: Self.now)
        #expect(JWTForge.split(new).header["kid"] == .string("key-2"))
        #expect(try await rotated.verify(new, now: Self.now).subject == "user:bob")
        await expectRejected(new, reason: "unknown token signing key")

        // Rotating again keeps both older keys; the caller drops them by building a fresh service.
        let third = try await rotated.rotated(newKey: try SigningKey.generate(id: "key-3"))
        #expect(third.verificationKeys.map(\.id) == ["key-2", "key-1"])
        #expect(try await third.verify(old, now: Self.now).keyID == "key-1")
        let trimmed = try await AccessTokenService(clusterID: Self.cluster, signingKey: third.signingKey, verificationKeys: [newKey])
        await expectRejected(old, by: trimmed, reason: "unknown token signing key")

        // An old verification key cannot sign: tokens are always signed by the current key.
        #expect(rotated.jwks()["keys"]?.arrayValue?.count == 2)
    }

    @Test("two different keys with the same id are refused")
    func duplicateKeyIDs() async throws {
        let clash = try SigningKey.generate(id: key.id)
        await #expect(throws: HearthError(.invalid, "")) {
            try await AccessTokenService(clusterID: Self.cluster, signingKey: key, verificationKeys: [clash])
        }
        await #expect(throws: HearthError(.invalid, "")) { try await service.rotated(newKey: clash) }
        let same = try await AccessTokenService(clusterID: Self.cluster, signingKey: key, verificationKeys: [key])
        #expect(same.verificationKeys.isEmpty)
        await #expect(throws: HearthError(.invalid, "")) {
            try await AccessTokenService(clusterID: "", signingKey: key)
        }
    }

    @Test("the JWKS publishes the public keys, and jwt-kit verifies tokens with it alone")
    func jwks() async throws {
        let rotated = try await service.rotated(newKey: try SigningKey.generate(id: "key-2"))
        let jwks = rotated.jwks()
        let keys = try #require(jwks["keys"]?.arrayValue)
        #expect(keys.count == 2)
        let first = try #require(keys.first?.objectValue)
        #expect(Set(first.keys) == ["kty", "crv", "x", "kid", "alg", "use"])
        #expect(first["kty"] == .string("OKP"))
        #expect(first["crv"] == .string("Ed25519"))
        #expect(first["alg"] == .string("EdDSA"))
        #expect(first["use"] == .string("sig"))
        #expect(first["kid"] == .string("key-2"))
        #expect(first["x"] == .string(JWTForge.base64URL(rotated.signingKey.rawPublicKey)))
        #expect(keys[1]["kid"] == .string("key-1"))
        let text = String(decoding: try JSONEncoder().encode(jwks), as: UTF8.self)
        #expect(!text.contains("\"d\""))

        let (token, _) = try await rotated.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(600))
        let (old, _) = try await service.issue(subject: "user:bob", sessionID: "s", ttl: .seconds(600))
        let offline = JWTKeyCollection()
        try await offline.add(jwksJSON: text)
        #expect(try await offline.verify(token, as: AccessTokenPayload.self).sub == "user:alice")
        #expect(try await offline.verify(old, as: AccessTokenPayload.self).sub == "user:bob")
    }

    @Test("a signing key survives serialization and keeps verifying its tokens")
    func signingKeySerialization() async throws {
        let generated = try SigningKey.generate(now: Date(timeIntervalSince1970: 1_700_000_000.9))
        #expect(generated.id.count == 16)  // of the RFC 7638 thumbprint
        #expect(SigningKey.thumbprint(of: generated.privateKey.publicKey).hasPrefix(generated.id))
        #expect(generated.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
        let text = generated.serialized()
        let restored = try SigningKey(serialized: text)
        #expect(restored == generated)
        #expect(restored.rawPrivateKey == generated.rawPrivateKey)
        let decoded = try JSONDecoder().decode(SigningKey.self, from: JSONEncoder().encode(generated))
        #expect(decoded == generated)

        let issuer = try await AccessTokenService(clusterID: Self.cluster, signingKey: generated)
        let (token, _) = try await issuer.issue(subject: "user:alice", sessionID: "s", ttl: .seconds(60))
        let verifier = try await AccessTokenService(clusterID: Self.cluster, signingKey: restored)
        #expect(try await verifier.verify(token).subject == "user:alice")

        #expect(!generated.description.contains(JWTForge.base64URL(generated.rawPrivateKey)))
        #expect(!"\(generated)".contains(JWTForge.base64URL(generated.rawPrivateKey)))
    }

    @Test("malformed signing keys are refused")
    func malformedSigningKeys() throws {
        let raw = key.rawPrivateKey
        #expect(throws: HearthError(.invalid, "")) { try SigningKey(id: "", rawPrivateKey: raw, createdAt: Self.now) }
        #expect(throws: HearthError(.invalid, "")) { try SigningKey(id: "a b", rawPrivateKey: raw, createdAt: Self.now) }
        #expect(throws: HearthError(.invalid, "")) {
            try SigningKey(id: String(repeating: "k", count: 129), rawPrivateKey: raw, createdAt: Self.now)
        }
        #expect(throws: HearthError(.invalid, "")) { try SigningKey(id: "k", rawPrivateKey: raw.prefix(31), createdAt: Self.now) }
        for text in ["", "{}", "[]", #"{"kid":"k","d":"AAAA","createdAt":1}"#, #"{"kid":"k","d":"!!","createdAt":1}"#] {
            #expect(throws: HearthError(.invalid, "")) { try SigningKey(serialized: text) }
        }
    }
}
