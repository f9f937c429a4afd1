import Foundation
import HearthCore
import Testing

@testable import HearthSecurity

@Suite("EnvelopeCipher")
struct EnvelopeCipherTests {
    static let context = "secret:ns/name:v3"

    static func cipher() throws -> EnvelopeCipher {
        EnvelopeCipher(ring: try MasterKeyRing(current: MasterKey.generate()))
    }

    /// The error `body` throws, which must be a `HearthError`.
    static func failure<T>(_ body: () throws -> T) -> HearthError? {
        do {
            _ = try body()
            return nil
        } catch let error as HearthError {
            return error
        } catch {
            Issue.record("not a HearthError: \(error)")
            return nil
        }
    }

    @Test("values of any size open again with the same context, and seal differently each time")
    func roundTrip() throws {
        let cipher = try Self.cipher()
        for size in [0, 1, 15, 16, 17, 100, 4096] {
            let value = SecureRandom.bytes(size)
            let sealed = try cipher.seal(value, context: Self.context)
            #expect(sealed.masterKeyID == cipher.ring.current.id)
            #expect(sealed.wrappedKey.count == 60)
            #expect(sealed.ciphertext.count == size + 28)
            #expect(try cipher.open(sealed, context: Self.context) == value)
            let decoded = try SealedValue(encoded: sealed.encoded)
            #expect(decoded == sealed)
            #expect(try cipher.open(decoded, context: Self.context) == value)
        }
        let text = Data("hunter2".utf8)
        let first = try cipher.seal(text, context: Self.context)
        let second = try cipher.seal(text, context: Self.context)
        #expect(first.encoded != second.encoded)
        #expect(first.wrappedKey != second.wrappedKey)
        #expect(try cipher.open(second, context: Self.context) == Array(text))
    }

    @Test("the encoding is hev1.<key id>.<base64url>.<base64url>")
    func encodingShape() throws {
        let cipher = try Self.cipher()
        let sealed = try cipher.seal(Array("x".utf8), context: Self.context)
        let parts = sealed.encoded.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 4)
        #expect(parts[0] == "hev1")
        #expect(parts[1] == Substring(cipher.ring.current.id))
        #expect(parts[2].count == 80)  // 60 bytes
        let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(parts[2].allSatisfy(urlSafe.contains) && parts[3].allSatisfy(urlSafe.contains))
        #expect(sealed.description == "SealedValue(hev1, master key \(cipher.ring.current.id), 1 bytes)")
        let json = try JSONEncoder().encode(["value": sealed])
        #expect(try JSONDecoder().decode([String: SealedValue].self, from: json)["value"] == sealed)
    }

    @Test("a value does not open for another context, and the error names the context only")
    func otherContext() throws {
        let cipher = try Self.cipher()
        let sealed = try cipher.seal(Array("top secret plaintext".utf8), context: "secret:ns/a:v1")
        for other in ["secret:ns/a:v2", "secret:ns/b:v1", "", "secret:ns/a:v1 ", "SECRET:ns/a:v1"] {
            let error = Self.failure { try cipher.open(sealed, context: other) }
            #expect(error?.code == .internalError)
            #expect(error?.message.contains("does not authenticate for context '\(other)'") == true)
            #expect(error?.message.contains("top secret") == false)
            #expect(Self.failure { try cipher.rewrap(sealed, context: other) }?.code == .internalError)
        }
    }

    @Test("altering any byte of the wrapped key or the ciphertext fails authentication")
    func tamperedBytes() throws {
        let cipher = try Self.cipher()
        let value = Array("the value to protect".utf8)
        let sealed = try cipher.seal(value, context: Self.context)
        for index in sealed.wrappedKey.indices {
            var wrapped = sealed.wrappedKey
            wrapped[index] ^= 0x01
            let altered = SealedValue(masterKeyID: sealed.masterKeyID, wrappedKey: wrapped, ciphertext: sealed.ciphertext)
            let reparsed = try SealedValue(encoded: altered.encoded)
            #expect(Self.failure { try cipher.open(reparsed, context: Self.context) }?.code == .internalError, "wrapped key byte \(index)")
        }
        for index in sealed.ciphertext.indices {
            var ciphertext = sealed.ciphertext
            ciphertext[index] ^= 0x80
            let altered = SealedValue(masterKeyID: sealed.masterKeyID, wrappedKey: sealed.wrappedKey, ciphertext: ciphertext)
            let reparsed = try SealedValue(encoded: altered.encoded)
            #expect(Self.failure { try cipher.open(reparsed, context: Self.context) }?.code == .internalError, "ciphertext byte \(index)")
        }
        // Cut short or lengthened.
        let shorter = SealedValue(
            masterKeyID: sealed.masterKeyID, wrappedKey: sealed.wrappedKey, ciphertext: Array(sealed.ciphertext.dropLast()))
        #expect(Self.failure { try cipher.open(shorter, context: Self.context) }?.code == .internalError)
        let longer = SealedValue(masterKeyID: sealed.masterKeyID, wrappedKey: sealed.wrappedKey, ciphertext: sealed.ciphertext + [0])
        #expect(Self.failure { try cipher.open(longer, context: Self.context) }?.code == .internalError)
        // Unaltered, it still opens.
        #expect(try cipher.open(sealed, context: Self.context) == value)
    }

    @Test("a wrapped key moved to another value, or relabelled with another key id, fails")
    func swappedParts() throws {
        let old = MasterKey.generate()
        var ring = try MasterKeyRing(current: old)
        try ring.rotate()
        let cipher = EnvelopeCipher(ring: ring)
        let first = try cipher.seal(Array("first".utf8), context: Self.context)
        let second = try cipher.seal(Array("second".utf8), context: Self.context)
        let swapped = SealedValue(masterKeyID: first.masterKeyID, wrappedKey: second.wrappedKey, ciphertext: first.ciphertext)
        #expect(Self.failure { try cipher.open(swapped, context: Self.context) }?.code == .internalError)
        // The key id is authenticated: naming the other key of the ring does not open it.
        let relabelled = SealedValue(masterKeyID: old.id, wrappedKey: first.wrappedKey, ciphertext: first.ciphertext)
        #expect(Self.failure { try cipher.open(relabelled, context: Self.context) }?.code == .internalError)
    }

    @Test("tampering with each part of the text form is refused")
    func tamperedText() throws {
        let cipher = try Self.cipher()
        let sealed = try cipher.seal(Array("value".utf8), context: Self.context)
        let parts = sealed.encoded.split(separator: ".").map(String.init)
        func replacing(_ index: Int, with part: String) -> String {
            var parts = parts
            parts[index] = part
            return parts.joined(separator: ".")
        }
        // Version.
        let version = Self.failure { try SealedValue(encoded: replacing(0, with: "hev2")) }
        #expect(version?.code == .invalid)
        #expect(version?.message.contains("version 'hev2' is not supported") == true)
        // Key id: unknown, so the error names it.
        let unknown = try SealedValue(encoded: replacing(1, with: "someOtherKey"))
        let missing = Self.failure { try cipher.open(unknown, context: Self.context) }
        #expect(missing?.code == .unavailable)
        #expect(missing?.message.contains("'someOtherKey'") == true)
        // Every single-character change of the binary parts is refused, as malformed base64 or
        // as a failed authentication.
        for index in [2, 3] {
            let part = Array(parts[index])
            for position in part.indices {
                var changed = part
                changed[position] = changed[position] == "A" ? "B" : "A"
                let text = replacing(index, with: String(changed))
                let error = Self.failure { try cipher.open(SealedValue(encoded: text), context: Self.context) }
                #expect(error?.code == .invalid || error?.code == .internalError, "part \(index), character \(position)")
            }
        }
    }

    @Test("a value sealed before a rotation opens after it, and after rewrap names and needs the new key")
    func rotationAndRewrap() throws {
        let first = MasterKey.generate()
        var ring = try MasterKeyRing(current: first)
        let before = EnvelopeCipher(ring: ring)
        let value = Array("database password".utf8)
        let sealed = try before.seal(value, context: Self.context)
        #expect(!before.needsRewrap(sealed))

        let second = try ring.rotate()
        #expect(second.id != first.id)
        #expect(ring.current.id == second.id)
        #expect(ring.keys.map(\.id) == [first.id, second.id])
        let after = EnvelopeCipher(ring: ring)
        #expect(try after.open(sealed, context: Self.context) == value)
        #expect(after.needsRewrap(sealed))
        #expect(try after.seal(value, context: Self.context).masterKeyID == second.id)

        let rewrapped = try after.rewrap(sealed, context: Self.context)
        #expect(rewrapped.masterKeyID == second.id)
        #expect(rewrapped.ciphertext == sealed.ciphertext)
        #expect(rewrapped.wrappedKey != sealed.wrappedKey)
        #expect(!after.needsRewrap(rewrapped))
        #expect(try after.open(rewrapped, context: Self.context) == value)
        #expect(try after.rewrap(rewrapped, context: Self.context) == rewrapped)

        // Once the old key is retired, only what was rewrapped opens.
        try ring.retire(keyID: first.id)
        let retired = EnvelopeCipher(ring: ring)
        #expect(try retired.open(rewrapped, context: Self.context) == value)
        let error = Self.failure { try retired.open(sealed, context: Self.context) }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("master key '\(first.id)'") == true)
        #expect(error?.message.contains(first.base64Key) == false)
        // The rewrapped value does not open with the old ring (its key is not there).
        #expect(Self.failure { try before.open(rewrapped, context: Self.context) }?.code == .unavailable)
    }

    @Test("malformed text forms are refused with a message saying what is wrong")
    func malformed() throws {
        let cipher = try Self.cipher()
        let good = try cipher.seal(Array("v".utf8), context: Self.context).encoded.split(separator: ".").map(String.init)
        let (id, wrapped, body) = (good[1], good[2], good[3])
        let cases: [(String, String)] = [
            ("", "not a sealed value"),
            ("hello", "not a sealed value"),
            ("hev1", "4 parts"),
            ("hev1.\(id).\(wrapped)", "4 parts"),
            ("hev1.\(id).\(wrapped).\(body).extra", "4 parts"),
            ("HEV1.\(id).\(wrapped).\(body)", "not a sealed value"),
            ("hev9.\(id).\(wrapped).\(body)", "version 'hev9' is not supported"),
            ("hev1..\(wrapped).\(body)", "master key id"),
            ("hev1.a.b.\(wrapped).\(body)", "4 parts"),
            ("hev1.\(String(repeating: "k", count: 65)).\(wrapped).\(body)", "master key id"),
            ("hev1.ké.\(wrapped).\(body)", "master key id"),
            ("hev1.\(id)..\(body)", "wrapped key"),
            ("hev1.\(id).\(wrapped)A.\(body)", "wrapped key"),
            ("hev1.\(id).\(wrapped.dropLast(4)).\(body)", "wrapped key"),
            ("hev1.\(id).\(wrapped)==.\(body)", "wrapped key"),
            ("hev1.\(id).+\(wrapped.dropFirst()).\(body)", "unpadded base64url"),
            ("hev1.\(id).\(wrapped).", "ciphertext"),
            ("hev1.\(id).\(wrapped).\(body.prefix(36))", "ciphertext"),
            ("hev1.\(id).\(wrapped).\(body) ", "ciphertext"),
            ("hev1.\(id).\(wrapped).\(body)=", "ciphertext"),
        ]
        for (text, fragment) in cases {
            let error = Self.failure { try SealedValue(encoded: text) }
            #expect(error?.code == .invalid, "\(text)")
            #expect(error?.message.contains(fragment) == true, "\(text): \(error?.message ?? "no error")")
        }
        #expect(throws: HearthError.self) { try JSONDecoder().decode(SealedValue.self, from: Data(#""hev1.x""#.utf8)) }
    }

    @Test("1 MiB values seal, encode, decode and open")
    func largeValue() throws {
        let cipher = try Self.cipher()
        let value = SecureRandom.bytes(1 << 20)
        let sealed = try cipher.seal(value, context: Self.context)
        let text = sealed.encoded
        #expect(text.utf8.count > (1 << 20) * 4 / 3)
        let decoded = try SealedValue(encoded: text)
        #expect(try cipher.open(decoded, context: Self.context) == value)
        let rewrapped = try cipher.rewrap(decoded, context: Self.context)
        #expect(rewrapped == decoded)
    }

    @Test("neither the text form, nor descriptions, nor errors show the plaintext or a key")
    func noPlaintext() throws {
        let cipher = try Self.cipher()
        let sentinel = "SENTINEL-7f3a9c-do-not-leak"
        let value = Array((sentinel + " " + sentinel).utf8)
        let sealed = try cipher.seal(value, context: Self.context)
        let text = sealed.encoded
        let forbidden = [
            sentinel, "SENTINEL", UnpaddedBase64.encode(Array(sentinel.utf8), alphabet: .url),
            UnpaddedBase64.encode(Array(sentinel.utf8), alphabet: .standard), Data(sentinel.utf8).base64EncodedString(),
            cipher.ring.current.base64Key, UnpaddedBase64.encode(cipher.ring.current.rawKey, alphabet: .url),
        ]
        for needle in forbidden {
            #expect(!text.contains(needle))
            #expect(!sealed.description.contains(needle))
        }
        let errors = [
            Self.failure { try cipher.open(sealed, context: "other") },
            Self.failure { try EnvelopeCipher(ring: MasterKeyRing(current: MasterKey.generate())).open(sealed, context: Self.context) },
        ]
        for error in errors {
            let message = try #require(error).description
            for needle in forbidden { #expect(!message.contains(needle)) }
        }
        #expect(try cipher.open(sealed, context: Self.context) == value)
    }
}
