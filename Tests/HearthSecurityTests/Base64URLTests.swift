import Foundation
import Testing

@testable import HearthSecurity

@Suite("Base64URL")
struct Base64URLTests {
    @Test("encodes and decodes as UnpaddedBase64's url alphabet does, for every length up to 200")
    func sameAsUnpaddedBase64() {
        for length in 0...200 {
            let bytes = SecureRandom.bytes(length)
            let text = Base64URL.encode(bytes)
            #expect(text == UnpaddedBase64.encode(bytes, alphabet: .url))
            #expect(Base64URL.decode(text[...]) == bytes)
        }
        #expect(Base64URL.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test("refuses what UnpaddedBase64 refuses: padding, other characters, a lone last character, unused bits set")
    func strict() {
        for text in ["YQ==", "YQ=", "Y", "YWJjZ", "+/8", "YW J", "YW\nJ", "Yé", "YR", "YWJ", "YWK", "ab.c"] {
            #expect(Base64URL.decode(text[...]) == nil, "\(text)")
            #expect(UnpaddedBase64.decode(text, alphabet: .url) == nil, "\(text)")
        }
        #expect(Base64URL.decode("YQ"[...]) == Array("a".utf8))
        #expect(Base64URL.decode("YWI"[...]) == Array("ab".utf8))
        #expect(Base64URL.decode(""[...]) == [])
        // Random short strings: both decoders agree.
        let characters = Array("AQgw-_+/=aZ9 ")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...9, using: &generator)).map { _ in characters.randomElement(using: &generator)! })
            #expect(Base64URL.decode(text[...]) == UnpaddedBase64.decode(text, alphabet: .url), "\(text)")
        }
    }
}
