import Foundation
import HearthCore
import Testing

@testable import HearthSecurity

/// Serialized: the timing tests below should not compete with the other scrypt runs of this suite.
@Suite("PasswordHasher", .serialized)
struct PasswordHasherTests {
    /// Small parameters so the suite stays fast.
    static let fast = PasswordHasher(parameters: .init(logN: 10, blockSize: 8, parallelism: 1))

    @Test("a hash verifies with its password and not with another")
    func roundTrip() throws {
        let hasher = Self.fast
        let encoded = try hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        let parts = encoded.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts[2].count == 22)  // 16 bytes, unpadded base64
        #expect(parts[3].count == 43)  // 32 bytes
        #expect(hasher.verify("correct horse battery staple", against: encoded))
        #expect(!hasher.verify("correct horse battery stapl", against: encoded))
        #expect(!hasher.verify("Correct horse battery staple", against: encoded))
        #expect(!hasher.verify("", against: encoded))
    }

    @Test("the same password hashes differently each time (random salt)")
    func salted() throws {
        let a = try Self.fast.hash("same password here")
        let b = try Self.fast.hash("same password here")
        #expect(a != b)
        #expect(Self.fast.verify("same password here", against: a))
        #expect(Self.fast.verify("same password here", against: b))
    }

    @Test("a hash records its parameters, so another hasher verifies it")
    func selfDescribing() throws {
        let encoded = try PasswordHasher(parameters: .init(logN: 11, blockSize: 4, parallelism: 2, outputLength: 48, saltLength: 24))
            .hash("long enough password")
        #expect(encoded.hasPrefix("$scrypt$ln=11,r=4,p=2$"))
        #expect(Self.fast.verify("long enough password", against: encoded))
    }

    @Test("the RFC 7914 test vector verifies")
    func knownAnswer() {
        // scrypt("password", "NaCl", N=1024, r=8, p=16, dkLen=64), RFC 7914 section 12.
        let hex =
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        let bytes = stride(from: 0, to: hex.count, by: 2).map { offset -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        let hash = Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
        let encoded = "$scrypt$ln=10,r=8,p=16$TmFDbA$" + hash
        #expect(Self.fast.verify("password", against: encoded))
        #expect(!Self.fast.verify("Password", against: encoded))
    }

    @Test("passwords are compared after NFC normalisation")
    func unicodeNormalisation() throws {
        let composed = "caf\u{E9} au lait, s'il vous pla\u{EE}t"
        let decomposed = "cafe\u{301} au lait, s'il vous plai\u{302}t"
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        let encoded = try Self.fast.hash(composed)
        #expect(Self.fast.verify(decomposed, against: encoded))
    }

    @Test("a changed hash or salt no longer verifies")
    func tampered() throws {
        let encoded = try Self.fast.hash("a password to tamper with")
        var parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var hash = Array(parts[4])
        hash[5] = hash[5] == "A" ? "B" : "A"
        parts[4] = String(hash)
        #expect(!Self.fast.verify("a password to tamper with", against: parts.joined(separator: "$")))

        parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var salt = Array(parts[3])
        salt[0] = salt[0] == "A" ? "B" : "A"
        parts[3] = String(salt)
        #expect(!Self.fast.verify("a password to tamper with", against: parts.joined(separator: "$")))

        // The same hash recorded with other parameters does not verify either.
        let relabelled = encoded.replacingOccurrences(of: "ln=10,", with: "ln=11,")
        #expect(!Self.fast.verify("a password to tamper with", against: relabelled))
    }

    static let salt = "c2FsdHNhbHRzYWx0c2FsdA"  // 16 bytes
    static let hash = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"  // 32 bytes

    @Test(
        "malformed encodings never verify and never throw",
        arguments: [
            "", "$", "$$$$", "scrypt", "$scrypt$", "$scrypt$ln=10,r=8,p=1$",
            "$scrypt$ln=10,r=8,p=1$\(salt)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$",
            "$scrypt$ln=10,r=8,p=1$$\(hash)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(hash)$",
            "scrypt$ln=10,r=8,p=1$\(salt)$\(hash)",
            "$argon2id$ln=10,r=8,p=1$\(salt)$\(hash)",
            "$SCRYPT$ln=10,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$r=8,ln=10,p=1$\(salt)$\(hash)",
            "$scrypt$ln=10,r=8$\(salt)$\(hash)",
            "$scrypt$ln=10,r=8,p=1,x=2$\(salt)$\(hash)",
            "$scrypt$ln=010,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=+10,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=-1,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=0,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=99,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=23,r=1,p=1$\(salt)$\(hash)",
            "$scrypt$ln=22,r=32,p=1$\(salt)$\(hash)",  // 16 GiB
            "$scrypt$ln=10,r=0,p=1$\(salt)$\(hash)",
            "$scrypt$ln=10,r=8,p=0$\(salt)$\(hash)",
            "$scrypt$ln=10,r=8,p=99$\(salt)$\(hash)",
            "$scrypt$ln=99999999999999999999,r=8,p=1$\(salt)$\(hash)",
            "$scrypt$ln=10,r=8,p=1$\(salt)=$\(hash)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(hash)=",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(hash.replacingOccurrences(of: "a", with: "-"))",
            "$scrypt$ln=10,r=8,p=1$\(salt)$aGFzaA",  // a 4-byte hash
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(hash)\(hash)\(hash)",  // a 96-byte hash
            "$scrypt$ln=10,r=8,p=1$ c2FsdA$\(hash)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(hash)\n",
            String(repeating: "$scrypt", count: 1000),
        ])
    func malformed(_ encoded: String) {
        #expect(!Self.fast.verify("password", against: encoded))
        #expect(Self.fast.needsRehash(encoded))
    }

    @Test("the test fixture itself is well-formed (so the cases above fail for their own reason)")
    func fixtureIsWellFormed() {
        #expect(PasswordHasher.decode("$scrypt$ln=10,r=8,p=1$\(Self.salt)$\(Self.hash)") != nil)
        #expect(!Self.fast.verify("password", against: "$scrypt$ln=10,r=8,p=1$\(Self.salt)$\(Self.hash)"))
    }

    @Test("hashing an empty password is refused; verifying one is false")
    func emptyPassword() throws {
        #expect(throws: HearthError.self) { try Self.fast.hash("") }
        #expect(!Self.fast.verify("", against: try Self.fast.hash("x")))
        #expect(!Self.fast.verifyDummy(""))
    }

    @Test("needsRehash is true only for hashes weaker than the current parameters")
    func needsRehash() throws {
        let weak = try Self.fast.hash("some password")
        let strong = PasswordHasher(parameters: .init(logN: 11, blockSize: 8, parallelism: 1))
        #expect(!Self.fast.needsRehash(weak))
        #expect(strong.needsRehash(weak))
        #expect(!Self.fast.needsRehash(try strong.hash("some password")))
        #expect(PasswordHasher(parameters: .init(logN: 10, blockSize: 16, parallelism: 1)).needsRehash(weak))
        #expect(PasswordHasher(parameters: .init(logN: 10, blockSize: 8, parallelism: 2)).needsRehash(weak))
        #expect(PasswordHasher(parameters: .init(logN: 10, blockSize: 8, parallelism: 1, outputLength: 48)).needsRehash(weak))
        #expect(PasswordHasher(parameters: .init(logN: 10, blockSize: 8, parallelism: 1, saltLength: 32)).needsRehash(weak))
        #expect(Self.fast.needsRehash("not a hash"))
    }

    @Test("verifyDummy returns false and costs about as much as a real verification")
    func dummy() throws {
        let hasher = PasswordHasher(parameters: .init(logN: 13, blockSize: 8, parallelism: 1))
        let encoded = try hasher.hash("the real password")
        #expect(!hasher.verifyDummy("the real password"))
        let clock = ContinuousClock()
        // The fastest of several runs of each, interleaved, to see through other tests running in parallel.
        var real = Duration.seconds(3600)
        var dummy = Duration.seconds(3600)
        for _ in 0..<5 {
            real = min(real, clock.measure { _ = hasher.verify("a wrong password", against: encoded) })
            dummy = min(dummy, clock.measure { hasher.verifyDummy("a wrong password") })
        }
        // Generous bounds: this guards against a dummy that skips the work, not against jitter.
        #expect(dummy > real / 4)
        #expect(dummy < real * 10)
    }

    @Test("the default parameters are slow and memory-hard: over 10 ms and under 5 s per hash")
    func defaultCost() throws {
        let hasher = PasswordHasher()
        #expect(hasher.parameters == .default)
        #expect(hasher.parameters.memoryBytes == 32 << 20)
        let clock = ContinuousClock()
        // The fastest of up to three runs: debug builds compile BoringSSL unoptimised and other
        // tests (or builds) may share the machine, and only a hash that is always slow is a bug.
        var fastest = Duration.seconds(3600)
        var encoded = ""
        for _ in 0..<3 where fastest >= .seconds(1) {
            fastest = min(fastest, try clock.measure { encoded = try hasher.hash("correct horse battery staple") })
        }
        #expect(encoded.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(fastest > .milliseconds(10))
        #expect(fastest < .seconds(5))
        #expect(hasher.verify("correct horse battery staple", against: encoded))
    }
}
