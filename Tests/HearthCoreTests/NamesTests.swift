import Testing

@testable import HearthCore

@Suite("Names")
struct NamesTests {
    // MARK: DNS labels

    @Test(
        "valid DNS labels are accepted",
        arguments: [
            "a", "z", "0", "9", "web", "web-1", "1-web", "a-b-c", "123", "a--b",
            String(repeating: "a", count: 63),
            "a" + String(repeating: "-", count: 61) + "z",
        ])
    func validDNSLabels(_ name: String) {
        #expect(Names.dnsLabelProblem(name) == nil)
        #expect(Names.isDNSLabel(name))
    }

    @Test("the empty string is not a DNS label")
    func emptyDNSLabel() {
        #expect(Names.dnsLabelProblem("") == "must not be empty")
        #expect(!Names.isDNSLabel(""))
    }

    @Test("64 characters is one too many")
    func tooLongDNSLabel() {
        let name = String(repeating: "a", count: 64)
        #expect(Names.dnsLabelProblem(name) == "must be at most 63 characters long")
        #expect(Names.maxLabelLength == 63)
    }

    @Test(
        "uppercase letters and other characters are refused, naming the culprit",
        arguments: [
            ("Web", "W"), ("weB", "B"), ("my_app", "_"), ("a.b", "."), ("a b", " "), ("a/b", "/"),
            ("café", "é"), ("日本", "日"), ("a🙂", "🙂"),
        ])
    func badCharacters(_ name: String, _ culprit: String) throws {
        let problem = try #require(Names.dnsLabelProblem(name))
        #expect(problem == "must consist of lowercase letters, digits and '-' (found '\(culprit)')")
    }

    @Test("leading or trailing '-' is refused", arguments: ["-web", "web-", "-", "--", "-a-"])
    func hyphenAtEdges(_ name: String) {
        #expect(Names.dnsLabelProblem(name) == "must start and end with a lowercase letter or digit")
    }

    @Test("a long name with a bad character reports the length first")
    func lengthBeforeCharacters() {
        #expect(Names.dnsLabelProblem(String(repeating: "A", count: 70)) == "must be at most 63 characters long")
    }

    @Test("length counts UTF-8 bytes, so multi-byte characters cannot sneak under the limit")
    func unicodeLength() {
        // 32 characters, 64 bytes.
        let name = String(repeating: "é", count: 32)
        #expect(Names.dnsLabelProblem(name) == "must be at most 63 characters long")
    }

    // MARK: Host names

    @Test(
        "valid host names",
        arguments: ["example", "example.com", "a.b.c.d", "hearth.example.io", "x1-y2.z3"])
    func validHostnames(_ name: String) {
        #expect(Names.hostnameProblem(name) == nil)
    }

    @Test(
        "invalid host names",
        arguments: ["", ".", "example.", ".example", "a..b", "Example.com", "exa_mple.com", "-a.com", "a-.com"])
    func invalidHostnames(_ name: String) throws {
        let problem = try #require(Names.hostnameProblem(name))
        #expect(problem.hasPrefix("each dot-separated part "))
    }

    @Test("a host name is at most 253 characters")
    func hostnameLength() {
        let label = String(repeating: "a", count: 63)
        let ok = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(ok.utf8.count == 253)
        #expect(Names.hostnameProblem(ok) == nil)
        let tooLong = ok + "b"
        #expect(Names.hostnameProblem(tooLong) == "must be at most 253 characters long")
    }

    @Test("each part of a host name is checked as a DNS label")
    func hostnamePartLength() {
        let name = "ok." + String(repeating: "a", count: 64) + ".com"
        #expect(Names.hostnameProblem(name) == "each dot-separated part must be at most 63 characters long")
        #expect(Names.hostnameProblem("a..b") == "each dot-separated part must not be empty")
    }

    // MARK: Label keys

    @Test(
        "valid label keys, with and without a prefix",
        arguments: [
            "app", "App", "APP", "a", "app.kubernetes", "app_name", "app-name", "a1", "1a", "a.b_c-d",
            String(repeating: "k", count: 63),
            "example.com/app", "hearth.io/managed-by", "a/b", "x.y.z/Name_1",
            String(repeating: "p", count: 63) + "/" + String(repeating: "n", count: 63),
        ])
    func validLabelKeys(_ key: String) {
        #expect(Names.labelKeyProblem(key) == nil)
    }

    @Test("an empty key, or a prefix with an empty name, is refused", arguments: ["", "example.com/"])
    func emptyLabelKey(_ key: String) {
        #expect(Names.labelKeyProblem(key) == "must not be empty")
    }

    @Test("a key has at most one '/'")
    func labelKeyTwoSlashes() {
        #expect(Names.labelKeyProblem("a.com/b/c") == "must contain at most one '/'")
        #expect(Names.labelKeyProblem("//") == "must contain at most one '/'")
    }

    @Test(
        "the prefix of a key must be a host name",
        arguments: ["/app", "Example.com/app", "exa_mple.com/app", "a..b/app", "-a.com/app", "café.com/app"])
    func badLabelKeyPrefix(_ key: String) throws {
        let problem = try #require(Names.labelKeyProblem(key))
        #expect(problem.hasPrefix("prefix each dot-separated part"))
    }

    @Test("a key prefix may not exceed 253 characters")
    func longLabelKeyPrefix() {
        let prefix = Array(repeating: String(repeating: "a", count: 63), count: 5).joined(separator: ".")
        #expect(Names.labelKeyProblem(prefix + "/app") == "prefix must be at most 253 characters long")
    }

    @Test("the name part of a key is at most 63 characters")
    func longLabelKeyName() {
        #expect(Names.labelKeyProblem(String(repeating: "k", count: 64)) == "must be at most 63 characters long")
        #expect(
            Names.labelKeyProblem("example.com/" + String(repeating: "k", count: 64))
                == "must be at most 63 characters long")
    }

    @Test(
        "the name part of a key uses letters, digits, '-', '_' and '.' only",
        arguments: ["a b", "a:b", "a=b", "a,b", "ключ", "a!", "example.com/a b", "a@b"])
    func badLabelKeyCharacters(_ key: String) {
        #expect(Names.labelKeyProblem(key) == "must consist of letters, digits, '-', '_' and '.'")
    }

    @Test(
        "the name part of a key starts and ends alphanumerically",
        arguments: ["-app", "app-", "_app", "app_", ".app", "app.", "example.com/-app", "example.com/app."])
    func labelKeyEdges(_ key: String) {
        #expect(Names.labelKeyProblem(key) == "must start and end with a letter or digit")
    }

    // MARK: Label values

    @Test(
        "valid label values, the empty value included",
        arguments: ["", "v", "V1", "prod", "1.2.3", "a_b-c.d", String(repeating: "v", count: 63)])
    func validLabelValues(_ value: String) {
        #expect(Names.labelValueProblem(value) == nil)
    }

    @Test("invalid label values")
    func invalidLabelValues() {
        #expect(Names.labelValueProblem(String(repeating: "v", count: 64)) == "must be at most 63 characters long")
        #expect(Names.labelValueProblem("a b") == "must consist of letters, digits, '-', '_' and '.'")
        #expect(Names.labelValueProblem("a/b") == "must consist of letters, digits, '-', '_' and '.'")
        #expect(Names.labelValueProblem("värde") == "must consist of letters, digits, '-', '_' and '.'")
        #expect(Names.labelValueProblem("-v") == "must start and end with a letter or digit")
        #expect(Names.labelValueProblem("v.") == "must start and end with a letter or digit")
        #expect(Names.labelValueProblem("_") == "must start and end with a letter or digit")
    }
}
