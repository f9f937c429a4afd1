import Foundation
import HTTPTypes
import HearthCore
import HearthServer
import HearthSecurity
import HearthTestSupport
import Synchronization
import Testing

/// Forged, altered, expired and revoked credentials, presented to a live server: every one gets
/// 401 problem+json, and the real token keeps working.
@Suite("Token attacks")
struct TokenAttackTests {
    @Test("expired, tampered, alg none, foreign key, wrong cluster, revoked session and reused refresh tokens are refused")
    func attacks() async throws {
        try await APIFixture.with(.sqlite) { api in
            let good = api.adminToken
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(good)).status == 200)
            let (header, payload, signature) = JWTForge.split(good)
            let kid = header["kid"]!.stringValue!
            let cluster = payload["cid"]!.stringValue!
            // The server's own signing key, as an attacker who stole nothing cannot have it: used
            // here only to make otherwise-valid tokens that are wrong in exactly one way.
            let serverKey = try SigningKey(serialized: try String(contentsOfFile: api.dataDirectory + "/signing-key.json", encoding: .utf8))
            #expect(serverKey.id == kid)
            let now = Int64(Date().timeIntervalSince1970)

            func refused(_ token: String, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await api.request(.get, "/v1/auth/whoami", as: .bearer(token))
                #expect(response.status == 401, "\(why): \(response.status) \(response.text)", sourceLocation: sourceLocation)
                #expect(response.isProblem, sourceLocation: sourceLocation)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, sourceLocation: sourceLocation)
            }

            // Expired (well past the leeway), though signed by the right key for a live session.
            var expired = payload
            expired["iat"] = .int(now - 3600)
            expired["nbf"] = .int(now - 3600)
            expired["exp"] = .int(now - 1800)
            try await refused(JWTForge.signed(header: header, payload: expired, with: serverKey), "expired")
            // Tampered payload: another subject under the original signature.
            var other = payload
            other["sub"] = .string("user:mallory")
            try await refused(JWTForge.assemble(header: header, payload: other, signature: signature), "tampered payload")
            // Tampered header under the original signature.
            var changedHeader = header
            changedHeader["typ"] = .string("at+jwt")
            try await refused(JWTForge.assemble(header: changedHeader, payload: payload, signature: signature), "tampered header")
            // alg none, with and without a signature.
            var none = header
            none["alg"] = .string("none")
            try await refused(JWTForge.assemble(header: none, payload: payload, signature: ""), "alg none")
            try await refused(JWTForge.assemble(header: none, payload: payload, signature: signature), "alg none, signed")
            // A key from another cluster: unknown key id, and a foreign key claiming the server's id.
            let foreign = try SigningKey.generate()
            try await refused(JWTForge.signed(header: JWTForge.header(kid: foreign.id), payload: payload, with: foreign), "foreign key")
            try await refused(JWTForge.signed(header: header, payload: payload, with: foreign), "foreign key, our kid")
            // The right key, but another cluster's id.
            var otherCluster = payload
            otherCluster["cid"] = .string(cluster + "-other")
            try await refused(JWTForge.signed(header: header, payload: otherCluster, with: serverKey), "wrong cluster id")
            // Two Authorization headers, even both good: refused, not one of them picked.
            var twice = HTTPFields()
            twice.append(HTTPField(name: .authorization, value: "Bearer \(good)"))
            twice.append(HTTPField(name: .authorization, value: "Bearer \(good)"))
            let doubled = try await api.request(.get, "/v1/auth/whoami", headers: twice, as: .none)
            #expect(doubled.status == 401 && doubled.isProblem && doubled.text.contains("one Authorization header"), "\(doubled.status) \(doubled.text)")
            // A session that does not exist.
            var noSession = payload
            noSession["sid"] = .string("no-such-session")
            try await refused(JWTForge.signed(header: header, payload: noSession, with: serverKey), "unknown session")
            // Garbage and an unknown API key.
            try await refused("not.a.token", "garbage")
            try await refused("hth_0123456789ab_" + String(repeating: "A", count: 43), "unknown API key")
            let malformed = try await api.request(.get, "/v1/auth/whoami", headers: [.authorization: "Basic YWRtaW46eA=="], as: .none)
            #expect(malformed.status == 401)

            // The real token still works.
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(good)).status == 200)

            // Revoked session: log out, and the session's access token stops working at once.
            let login = try await api.request(
                .post, "/v1/auth/login", json: #"{"username":"admin","password":"\#(APIFixture.adminPassword)"}"#, as: .none)
            let session = login.json["accessToken"]!.stringValue!
            #expect(try await api.request(.post, "/v1/auth/logout", as: .bearer(session)).status == 204)
            try await refused(session, "revoked session")

            // Refresh: rotates; presenting the spent token again revokes the whole session.
            let second = try await api.request(
                .post, "/v1/auth/login", json: #"{"username":"admin","password":"\#(APIFixture.adminPassword)"}"#, as: .none)
            let firstRefresh = second.json["refreshToken"]!.stringValue!
            let rotated = try await api.request(.post, "/v1/auth/refresh", json: #"{"refreshToken":"\#(firstRefresh)"}"#, as: .none)
            #expect(rotated.status == 200)
            let secondRefresh = rotated.json["refreshToken"]!.stringValue!
            let rotatedAccess = rotated.json["accessToken"]!.stringValue!
            #expect(secondRefresh != firstRefresh)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(rotatedAccess)).status == 200)
            let reused = try await api.request(.post, "/v1/auth/refresh", json: #"{"refreshToken":"\#(firstRefresh)"}"#, as: .none)
            #expect(reused.status == 401)
            #expect(reused.text.contains("revoked"))
            let afterReuse = try await api.request(.post, "/v1/auth/refresh", json: #"{"refreshToken":"\#(secondRefresh)"}"#, as: .none)
            #expect(afterReuse.status == 401, "the newest refresh token of a revoked session is dead too")
            try await refused(rotatedAccess, "access token of a session revoked by refresh reuse")

            // The admin's original session was never touched.
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(good)).status == 200)
        }
    }

    @Test("the JWKS publishes the key that signs tokens, and tokens verify offline with it")
    func jwks() async throws {
        try await APIFixture.with(.sqlite) { api in
            let keys = try await api.request(.get, "/.well-known/jwks.json", as: .none)
            #expect(keys.status == 200)
            let jwk = try #require(keys.json["keys"]?.arrayValue?.first)
            let kid = JWTForge.split(api.adminToken).header["kid"]?.stringValue
            #expect(jwk["kid"]?.stringValue == kid)
            #expect(jwk["kty"] == "OKP")
            #expect(jwk["crv"] == "Ed25519")
            // Verify offline with only the published key.
            let verifier = try await AccessTokenService(
                clusterID: JWTForge.split(api.adminToken).payload["cid"]!.stringValue!, signingKey: try .generate(),
                publicKeys: [try VerificationKey(jwk: jwk)])
            let claims = try await verifier.verify(api.adminToken)
            #expect(claims.subject == "user:admin")
        }
    }

    @Test("the signing key rotates: tokens signed by the retired key still verify, and the JWKS publishes both")
    func rotation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-rotate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rotateFast: @Sendable (inout ServerConfiguration) -> Void = { $0.signingKeyRotation = .seconds(1) }
        let first = Mutex<(token: String, kid: String)>(("", ""))
        try await APIFixture.with(.sqlite, dataDirectory: directory, configure: rotateFast) { api in
            first.withLock { $0 = (api.adminToken, JWTForge.split(api.adminToken).header["kid"]!.stringValue!) }
        }
        try await Task.sleep(for: .milliseconds(1100))
        // Restarted after the rotation period: a new key signs, the old one still verifies.
        try await APIFixture.with(.sqlite, dataDirectory: directory, setUp: false, configure: rotateFast) { api in
            let (oldToken, oldKid) = first.withLock { $0 }
            for _ in 0..<100 {
                if try await api.request(.get, "/readyz", as: .none).status == 200 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let token = try await api.login("admin", password: APIFixture.adminPassword)
            let newKid = JWTForge.split(token).header["kid"]!.stringValue!
            #expect(newKid != oldKid)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(oldToken)).status == 200)
            let kids = try await api.request(.get, "/.well-known/jwks.json", as: .none).json["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue }
            #expect(Set(kids ?? []) == [oldKid, newKid])
        }
    }
}
