import Testing

@testable import HearthDNS

@Suite("DNS names")
struct DNSNameTests {
    @Test("text with or without the trailing dot gives the same lowercase wire format")
    func parsesText() throws {
        let plain = try DNSName("www.Example.ORG")
        let absolute = try DNSName("www.example.org.")
        #expect(plain == absolute)
        #expect(plain.hashValue == absolute.hashValue)
        #expect(plain.wire == [3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 111, 114, 103, 0])
        #expect(plain.description == "www.example.org.")
        #expect(plain.labels == ["www", "example", "org"])
        #expect(plain.labelCount == 3)
    }

    @Test("the root is '.', has no labels and no parent")
    func root() throws {
        let root = try DNSName(".")
        #expect(root == .root)
        #expect(root.wire == [0])
        #expect(root.description == ".")
        #expect(root.labelCount == 0)
        #expect(root.parent == nil)
        #expect(try DNSName(labels: []) == .root)
    }

    @Test("underscores, hyphens, digits and a whole-label '*' are allowed")
    func allowedCharacters() throws {
        #expect(try DNSName("_http._tcp.my-app1.example.org").labels == ["_http", "_tcp", "my-app1", "example", "org"])
        #expect(try DNSName("*.example.org").isWildcard)
        #expect(try DNSName(labels: ["*", "example", "org"]).description == "*.example.org.")
    }

    @Test(
        "bad names are refused with a reason",
        arguments: [
            ("", DNSError.Code.badLabel, "a name must not be empty (write '.' for the root)"),
            ("a..b", .badLabel, "'a..b' has an empty label"),
            (".a", .badLabel, "'.a' has an empty label"),
            ("a b.org", .badLabel, "label 'a b' may contain only letters, digits, '-' and '_' (or be '*' on its own)"),
            ("a*.org", .badLabel, "label 'a*' may contain only letters, digits, '-' and '_' (or be '*' on its own)"),
            ("café.org", .badLabel, "label 'café' may contain only letters, digits, '-' and '_' (or be '*' on its own)"),
            (
                String(repeating: "a", count: 64) + ".org", .labelTooLong,
                "label '\(String(repeating: "a", count: 64))' is 64 bytes long; a label can have at most 63"
            ),
        ])
    func badNames(_ text: String, _ code: DNSError.Code, _ message: String) {
        #expect {
            try DNSName(text)
        } throws: { error in
            let error = error as? DNSError
            return error?.code == code && error?.message == message
        }
    }

    @Test("a name is at most 255 bytes in wire format")
    func nameLength() throws {
        let label = String(repeating: "a", count: 63)
        // 4 × 64 + 1 = 257 bytes; 3 × 64 + 62 + 1 = 255.
        let tooLong = [label, label, label, label].joined(separator: ".")
        #expect(throws: DNSError(.nameTooLong, "")) { try DNSName(tooLong) }
        let longest = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(try DNSName(longest).wire.count == 255)
        #expect(throws: DNSError(.nameTooLong, "")) { try DNSName(longest).prepending("x") }
    }

    @Test("subdomains are decided label by label, inclusively")
    func subdomains() throws {
        let org = try DNSName("example.org")
        #expect(try DNSName("www.example.org").isSubdomain(of: org))
        #expect(org.isSubdomain(of: org))
        #expect(org.isSubdomain(of: .root))
        #expect(!(try DNSName("ample.org").isSubdomain(of: org)))
        #expect(!(try DNSName("wwwexample.org").isSubdomain(of: org)))
        #expect(!org.isSubdomain(of: try DNSName("www.example.org")))
        // "a.b" bytes end like "b" but 'xa.b' is not under 'a.b'.
        #expect(!(try DNSName("xa.b").isSubdomain(of: try DNSName("a.b"))))
    }

    @Test("prepending, appending and parent")
    func building() throws {
        let org = try DNSName("example.org")
        #expect(try org.prepending("WWW") == DNSName("www.example.org"))
        #expect(try DNSName("www").appending(org) == DNSName("www.example.org"))
        #expect(try DNSName("www.example.org").parent == org)
        #expect(try DNSName("org").parent == .root)
        #expect(throws: DNSError(.badLabel, "")) { try org.prepending("a.b") }
    }

    @Test("names read from the wire escape unusual bytes in their description")
    func escaping() throws {
        let weird = DNSName(uncheckedWire: [3, 0x61, 0x2E, 0x20, 1, 0x5C, 0])
        #expect(weird.description == "a\\.\\032.\\\\.")
    }

    @Test("types and classes have mnemonics")
    func mnemonics() {
        #expect(DNSType.aaaa.description == "AAAA")
        #expect(DNSType(rawValue: 999).description == "TYPE999")
        #expect(DNSType(mnemonic: "mx") == .mx)
        #expect(DNSType(mnemonic: "TYPE999") == DNSType(rawValue: 999))
        #expect(DNSType(mnemonic: "nope") == nil)
        #expect(DNSClass.in.description == "IN")
        #expect(DNSResponseCode.badVers.description == "BADVERS")
    }
}
