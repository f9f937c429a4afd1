import Foundation


/// A label selector, as in `?labelSelector=app=web,tier!=db,env in (prod,staging),!legacy`.
///
/// Requirements are joined by commas and all must hold: `k=v` (or `k==v`), `k!=v`,
/// `k in (a,b)`, `k notin (a,b)`, `k` (exists) and `!k` (does not exist).
public struct LabelSelector: Sendable, Hashable {
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)

        func matches(_ labels: [String: String]) -> Bool {
            switch self {
            case .equals(let k, let v): labels[k] == v
            case .notEquals(let k, let v): labels[k] != v
            case .isIn(let k, let vs): labels[k].map(vs.contains) ?? false
            case .notIn(let k, let vs): !(labels[k].map(vs.contains) ?? false)
            case .exists(let k): labels[k] != nil
            case .doesNotExist(let k): labels[k] == nil
            }
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Parses a selector; the error names what is wrong.
    public static func parse(_ text: String) throws(HearthError) -> LabelSelector {
        var requirements: [Requirement] = []
        for part in splitTopLevel(text) {
            let item = part.trimmingSpaces()
            if item.isEmpty { continue }
            requirements.append(try parseRequirement(item))
        }
        return LabelSelector(requirements: requirements)
    }

    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseRequirement(_ item: String) throws(HearthError) -> Requirement {
        func bad(_ reason: String) -> HearthError {
            HearthError(.badRequest, "invalid label selector '\(item)': \(reason)")
        }
        func key(_ raw: some StringProtocol) throws(HearthError) -> String {
            let k = String(raw).trimmingSpaces()
            if let problem = Names.labelKeyProblem(k) { throw bad("key \(problem)") }
            return k
        }
        func value(_ raw: some StringProtocol) throws(HearthError) -> String {
            let v = String(raw).trimmingSpaces()
            if let problem = Names.labelValueProblem(v) { throw bad("value \(problem)") }
            return v
        }
        if item.hasPrefix("!") {
            return .doesNotExist(try key(item.dropFirst()))
        }
        if let range = item.range(of: "!=") {
            return .notEquals(try key(item[..<range.lowerBound]), try value(item[range.upperBound...]))
        }
        if let range = item.range(of: "==") {
            return .equals(try key(item[..<range.lowerBound]), try value(item[range.upperBound...]))
        }
        if let range = item.range(of: "=") {
            return .equals(try key(item[..<range.lowerBound]), try value(item[range.upperBound...]))
        }
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            if let range = item.range(of: word) {
                let k = try key(item[..<range.lowerBound])
                let rest = item[range.upperBound...].trimmingSpaces()
                guard rest.hasPrefix("("), rest.hasSuffix(")") else { throw bad("expected a list in parentheses") }
                var values = Set<String>()
                for v in rest.dropFirst().dropLast().split(separator: ",") { values.insert(try value(v)) }
                if values.isEmpty { throw bad("the list must not be empty") }
                return isIn ? .isIn(k, values) : .notIn(k, values)
            }
        }
        return .exists(try key(item))
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
