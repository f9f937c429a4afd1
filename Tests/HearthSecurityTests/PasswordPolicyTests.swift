import HearthCore
import Testing

@testable import HearthSecurity

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    func reasons(_ password: String, _ username: String? = "alice") -> [String] {
        let violations = policy.check(password: password, username: username)
        #expect(violations.allSatisfy { $0.field == "password" })
        return violations.map(\.reason)
    }

    @Test("good passwords pass", arguments: ["correct horse battery staple", "Tr0ub4dor&3xyz", "日本語のパスワードです本当に", "al-is-short-name"])
    func accepted(_ password: String) {
        #expect(reasons(password, "al").isEmpty)
    }

    @Test("passwords under 12 characters are refused")
    func tooShort() {
        #expect(reasons("short") == ["must be at least 12 characters long"])
        #expect(reasons("elevenchars").count == 1)
        #expect(reasons("twelve chars").isEmpty)
        // Length counts characters, not bytes: twelve 3-byte characters are enough, four are not.
        #expect(reasons("日本語の").contains("must be at least 12 characters long"))
        #expect(PasswordPolicy(minimumLength: 20).check(password: "twelve chars", username: nil).count == 1)
    }

    @Test("passwords over 1024 bytes are refused")
    func tooLong() {
        #expect(reasons(String(repeating: "abc", count: 341) + "d").isEmpty)  // 1024 bytes
        #expect(reasons(String(repeating: "abc", count: 342)) == ["must be at most 1024 bytes long"])
        #expect(reasons(String(repeating: "日本", count: 200)) == ["must be at most 1024 bytes long"])  // 400 characters, 1200 bytes
    }

    @Test("the user name, in any case, is refused as or in the password")
    func username() {
        #expect(reasons("AliceSmith12", "alicesmith12") == ["must not be the user name"])
        #expect(reasons("alicesmith12", "AliceSmith12") == ["must not be the user name"])
        #expect(reasons("my name is ALICE, ok?", "alice") == ["must not contain the user name"])
        #expect(reasons("bob-the-builder-2024", "Bob") == ["must not contain the user name"])
        // Names under three characters only have to differ.
        #expect(reasons("al-is-my-name-here", "al").isEmpty)
        #expect(reasons("a long passphrase", nil).isEmpty)
        #expect(reasons("a long passphrase", "").isEmpty)
    }

    @Test("one character repeated is refused", arguments: ["aaaaaaaaaaaa", "            ", "111111111111111", "éééééééééééé"])
    func repeated(_ password: String) {
        #expect(reasons(password).contains("must not be one character repeated"))
    }

    @Test(
        "common passwords are refused in any case",
        arguments: ["password1234", "Password1234", "123456789012", "qwertyuiopas", "QWERTYUIOPAS", "1q2w3e4r5t6y"])
    func common(_ password: String) {
        #expect(reasons(password) == ["is one of the most commonly used passwords"])
    }

    @Test("the common list has at least 30 entries, all long enough to need it")
    func commonList() {
        #expect(PasswordPolicy.commonPasswords.count >= 30)
        #expect(PasswordPolicy.commonPasswords.allSatisfy { $0.count >= 12 && $0 == $0.lowercased() })
    }

    @Test("several problems are all reported")
    func several() {
        #expect(
            Set(reasons("aaaa", "aaaa")) == [
                "must be at least 12 characters long", "must not be the user name", "must not be one character repeated",
            ])
    }
}
