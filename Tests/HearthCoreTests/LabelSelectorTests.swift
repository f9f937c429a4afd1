import Testing

@testable import HearthCore

@Suite("LabelSelector")
struct LabelSelectorTests {
    typealias Requirement = LabelSelector.Requirement

    // MARK: Parsing every operator

    @Test(
        "each operator parses to its requirement",
        arguments: [
            ("app=web", Requirement.equals("app", "web")),
            ("app==web", .equals("app", "web")),
            ("app!=web", .notEquals("app", "web")),
            ("env in (prod,staging)", .isIn("env", ["prod", "staging"])),
            ("env notin (dev,test)", .notIn("env", ["dev", "test"])),
            ("legacy", .exists("legacy")),
            ("!legacy", .doesNotExist("legacy")),
            ("app=", .equals("app", "")),
            ("app!=", .notEquals("app", "")),
            ("example.com/app=web", .equals("example.com/app", "web")),
            ("example.com/tier in (a)", .isIn("example.com/tier", ["a"])),
            ("!example.com/legacy", .doesNotExist("example.com/legacy")),
            ("Tier_1.x=Value-2", .equals("Tier_1.x", "Value-2")),
        ])
    func operators(_ text: String, _ expected: Requirement) throws {
        let selector = try LabelSelector.parse(text)
        #expect(selector.requirements == [expected])
    }

    @Test("spaces around keys, operators and values are ignored")
    func spaces() throws {
        let selector = try LabelSelector.parse("  app = web ,tier != db,  env   in   ( prod , staging ) , ! legacy , present ")
        #expect(
            selector.requirements == [
                .equals("app", "web"),
                .notEquals("tier", "db"),
                .isIn("env", ["prod", "staging"]),
                .doesNotExist("legacy"),
                .exists("present"),
            ])
    }

    @Test("the example from the documentation parses to four requirements, in order")
    func documentedExample() throws {
        let selector = try LabelSelector.parse("app=web,tier!=db,env in (prod,staging),!legacy")
        #expect(
            selector.requirements == [
                .equals("app", "web"),
                .notEquals("tier", "db"),
                .isIn("env", ["prod", "staging"]),
                .doesNotExist("legacy"),
            ])
    }

    @Test("commas inside parentheses do not split requirements")
    func commasInParentheses() throws {
        let selector = try LabelSelector.parse("a in (1,2,3),b notin (x,y),c")
        #expect(selector.requirements == [.isIn("a", ["1", "2", "3"]), .notIn("b", ["x", "y"]), .exists("c")])
    }

    @Test("duplicate values in a set collapse")
    func duplicateSetValues() throws {
        let selector = try LabelSelector.parse("a in (x,x,y)")
        #expect(selector.requirements == [.isIn("a", ["x", "y"])])
    }

    @Test("empty selectors and empty parts select everything", arguments: ["", " ", ",", " , ,", "app=web,,", ",app=web"])
    func emptyParts(_ text: String) throws {
        let selector = try LabelSelector.parse(text)
        #expect(selector.requirements.count == (text.contains("app") ? 1 : 0))
        if selector.requirements.isEmpty {
            #expect(selector.matches([:]))
            #expect(selector.matches(["anything": "at-all"]))
        }
    }

    // MARK: Errors

    @Test(
        "malformed selectors are bad requests",
        arguments: [
            "=web",  // empty key
            "!=web",  // '!' then a key of '=web'
            "==web",
            "app=web=1",  // '=' in a value
            "app=we b",  // space in a value
            "app=-web",  // value must start alphanumerically
            "app=" + String(repeating: "v", count: 64),  // value too long
            "-app=web",  // key must start alphanumerically
            "a b=c",  // space in a key
            "a/b/c=d",  // two slashes
            "Example.com/app=web",  // uppercase prefix
            "/app=web",  // empty prefix
            "example.com/=web",  // empty name after the prefix
            String(repeating: "k", count: 64),  // exists with a key too long
            "!",  // does-not-exist without a key
            "!-a",
            "env in prod",  // no parentheses
            "env in (prod",  // unclosed parenthesis
            "env in prod)",
            "env notin [a,b]",
            "env in ()",  // empty list
            "env in (,)",
            "env in (a b)",  // bad value inside the list
            "env in (a,-b)",
            "in (a)",  // no key
            "env in(a)",  // no space before the parenthesis
            "env (a)",
            "a),b",  // stray parenthesis
            "app=web,tier=d b",  // one bad requirement fails the lot
        ])
    func malformed(_ text: String) throws {
        let error = try #require(throws: HearthError.self) { try LabelSelector.parse(text) }
        #expect(error.code == .badRequest)
        #expect(error.code.status == 400)
        #expect(error.message.hasPrefix("invalid label selector '"))
    }

    @Test("the error names the requirement at fault and why")
    func errorMessages() throws {
        let keyError = try #require(throws: HearthError.self) { try LabelSelector.parse("app=web, -tier=db") }
        #expect(keyError.message == "invalid label selector '-tier=db': key must start and end with a letter or digit")

        let valueError = try #require(throws: HearthError.self) { try LabelSelector.parse("app=we b") }
        #expect(valueError.message == "invalid label selector 'app=we b': value must consist of letters, digits, '-', '_' and '.'")

        let listError = try #require(throws: HearthError.self) { try LabelSelector.parse("env in prod") }
        #expect(listError.message == "invalid label selector 'env in prod': expected a list in parentheses")

        let emptyList = try #require(throws: HearthError.self) { try LabelSelector.parse("env notin ()") }
        #expect(emptyList.message == "invalid label selector 'env notin ()': the list must not be empty")

        let emptyKey = try #require(throws: HearthError.self) { try LabelSelector.parse("=x") }
        #expect(emptyKey.message == "invalid label selector '=x': key must not be empty")
    }

    // MARK: Matching

    static let labels: [String: String] = ["app": "web", "tier": "frontend", "env": "prod", "empty": ""]

    @Test(
        "matching of each operator",
        arguments: [
            ("app=web", true), ("app=api", false), ("missing=web", false),
            ("app==web", true), ("app==api", false),
            ("app!=api", true), ("app!=web", false), ("missing!=web", true),
            ("env in (prod,staging)", true), ("env in (dev,staging)", false), ("missing in (prod)", false),
            ("env notin (dev,staging)", true), ("env notin (prod)", false), ("missing notin (prod)", true),
            ("app", true), ("missing", false), ("empty", true),
            ("!missing", true), ("!app", false), ("!empty", false),
            ("empty=", true), ("app=", false), ("missing=", false),
            ("app=web,env=prod", true), ("app=web,env=dev", false), ("app=web,!legacy,tier notin (db)", true),
            ("", true),
        ])
    func matching(_ text: String, _ expected: Bool) throws {
        let selector = try LabelSelector.parse(text)
        #expect(selector.matches(Self.labels) == expected)
    }

    @Test("values are case-sensitive")
    func caseSensitive() throws {
        #expect(try !LabelSelector.parse("app=Web").matches(["app": "web"]))
        #expect(try !LabelSelector.parse("App=web").matches(["app": "web"]))
        #expect(try LabelSelector.parse("App=Web").matches(["App": "Web"]))
    }

    @Test("a selector built from requirements matches like a parsed one")
    func builtSelector() {
        let selector = LabelSelector(requirements: [.isIn("env", ["prod"]), .doesNotExist("legacy")])
        #expect(selector.matches(["env": "prod"]))
        #expect(!selector.matches(["env": "prod", "legacy": "true"]))
        #expect(!selector.matches([:]))
        #expect(LabelSelector(requirements: []).matches([:]))
    }

    @Test("selectors compare by their requirements")
    func equality() throws {
        #expect(try LabelSelector.parse("a=b, c") == LabelSelector.parse("a==b,c"))
        #expect(try LabelSelector.parse("a in (x,y)") == LabelSelector.parse("a in (y,x)"))
        #expect(try LabelSelector.parse("a=b") != LabelSelector.parse("a!=b"))
    }
}
