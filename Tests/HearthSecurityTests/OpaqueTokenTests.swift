import Foundation
import HearthCore
import Testing

@testable import HearthSecurity

@Suite("OpaqueToken")
struct OpaqueTokenTests {
    static let secretCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test("refresh tokens are hth_rt_ and 43 base64url characters, and parse back")
    func refreshToken() throws {
        let token = OpaqueToken.newRefreshToken()
        #expect(token.kind == .refreshToken)
        #expect(token.keyID == nil)
        #expect(token.value.hasPrefix("hth_rt_"))
        #expect(token.value.count == 50)
        #expect(token.value.dropFirst(7).allSatisfy(Self.secretCharacters.contains))
        let parsed = try OpaqueToken(parsing: token.value)
        #expect(parsed == token)
    }

    @Test("API keys are hth_<12 hex>_<secret>, and parse back with their key id")
    func apiKey() throws {
        let token = OpaqueToken.newAPIKey()
        let keyID = try #require(token.keyID)
        #expect(keyID.count == 12)
        #expect(keyID.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(token.kind == .apiKey(keyID: keyID))
        #expect(token.value.hasPrefix("hth_\(keyID)_"))
        #expect(token.value.count == 4 + 12 + 1 + 43)
        let parsed = try OpaqueToken(parsing: token.value)
        #expect(parsed.kind == .apiKey(keyID: keyID))
        #expect(parsed.value == token.value)
    }

    @Test("tokens and key ids do not repeat")
    func unique() {
        let refresh = Set((0..<200).map { _ in OpaqueToken.newRefreshToken().value })
        let keys = (0..<200).map { _ in OpaqueToken.newAPIKey() }
        #expect(refresh.count == 200)
        #expect(Set(keys.map(\.value)).count == 200)
        #expect(Set(keys.compactMap(\.keyID)).count == 200)
    }

    @Test("the digest is the lowercase hex SHA-256 of the whole token")
    func digest() {
        #expect(OpaqueToken.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let token = OpaqueToken.newAPIKey()
        #expect(token.digest == OpaqueToken.digest(of: token.value))
        #expect(token.digest.count == 64)
        #expect(token.digest.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test("a token matches its own digest and no other")
    func matches() throws {
        let token = OpaqueToken.newRefreshToken()
        let stored = token.digest
        #expect(try OpaqueToken(parsing: token.value).matches(digest: stored))
        #expect(!OpaqueToken.newRefreshToken().matches(digest: stored))
        #expect(!token.matches(digest: stored.uppercased()))
        #expect(!token.matches(digest: String(stored.dropLast())))
        #expect(!token.matches(digest: ""))
        #expect(!token.matches(digest: token.value))
    }

    @Test("the description hides the secret")
    func description() throws {
        let key = OpaqueToken.newAPIKey()
        #expect(key.description == "hth_\(key.keyID!)_…")
        #expect("\(OpaqueToken.newRefreshToken())" == "hth_rt_…")
    }

    static let secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  // 32 zero bytes

    @Test("the fixture secret is valid (so the cases below fail for their own reason)")
    func fixture() throws {
        #expect(try OpaqueToken(parsing: "hth_rt_\(Self.secret)").kind == .refreshToken)
        #expect(try OpaqueToken(parsing: "hth_0123456789ab_\(Self.secret)").keyID == "0123456789ab")
        // Key ids made elsewhere may use any lowercase letters and digits.
        #expect(try OpaqueToken(parsing: "hth_abcdefghijkz_\(Self.secret)").keyID == "abcdefghijkz")
    }

    @Test(
        "malformed tokens are refused as unauthorized",
        arguments: [
            "", "hth_", "hth_rt_", "hth_rt_short", "hth_rt_\(secret)A", "hth_rt_\(secret.dropLast())",
            "HTH_rt_\(secret)", "hth-rt-\(secret)", "hth_RT_\(secret)", "xhth_rt_\(secret)", " hth_rt_\(secret)",
            "hth_rt_\(secret)\n", "hth_rt_\(secret.dropLast())B",  // non-canonical last character
            "hth_rt_\(secret.dropLast())=", "hth_rt_\(secret.dropLast())+", "hth_rt_\(secret.dropLast())é",
            "hth_0123456789AB_\(secret)", "hth_0123456789a_\(secret)A", "hth_0123456789abc_\(secret.dropLast())",
            "hth_0123456789ab-\(secret)", "hth_0123-56789ab_\(secret)", "hth_0123456789ab_\(secret)A",
            "hth_0123456789ab_\(secret.dropLast())", "Bearer hth_rt_\(secret)", "hth_rt_\(secret)_",
        ])
    func malformed(_ text: String) {
        #expect(throws: HearthError(.unauthorized, "")) { try OpaqueToken(parsing: text) }
    }

    @Test("a parse error says only that the token is malformed")
    func errorMessage() {
        do {
            _ = try OpaqueToken(parsing: "hth_rt_nope")
            Issue.record("accepted a malformed token")
        } catch let error as HearthError {
            #expect(error.code == .unauthorized)
            #expect(error.message == "malformed token")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
