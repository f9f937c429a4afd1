/// One grant inside a ``Role``: these verbs on these resource types (optionally only these names).
///
/// ```swift
/// PolicyRule(verbs: ["get", "list", "watch"], resources: ["*"])
/// PolicyRule(verbs: ["read-value"], resources: ["secrets"], resourceNames: ["registry-token"])
/// PolicyRule(verbs: ["create", "delete"], resources: ["*"], excludedResources: ["rolebindings"])
/// ```
/// A rule matches a request when its verb is in ``verbs`` (or ``verbs`` holds `"*"`), its resource
/// type is in ``resources`` (or `"*"`) and not in ``excludedResources``, and, when
/// ``resourceNames`` is present, the request names one of them: a request without a name (a list,
/// a watch, a create whose name the server picks) never matches a rule restricted by name.
///
/// Rules only grant: there is no deny rule, because a deny in one binding would silently take away
/// what another binding gives. ``excludedResources`` says "everything but" inside one rule instead.
public struct PolicyRule: Sendable, Hashable, Codable {
    /// Stands for every verb in ``verbs`` and every resource type in ``resources``.
    public static let wildcard = "*"

    /// The verbs granted: names from ``Verbs/known``, or `"*"`.
    public let verbs: [String]
    /// The resource type names (plural, e.g. `widgets`, `namespaces`), or `"*"`.
    public let resources: [String]
    /// The resource names the rule is limited to; nil means every name.
    public let resourceNames: [String]?
    /// Resource types the rule does not cover even though ``resources`` does (typically with `"*"`).
    public let excludedResources: [String]?

    /// A rule as stored; ``validate(at:)`` says whether it is well formed.
    public init(verbs: [String], resources: [String], resourceNames: [String]? = nil, excludedResources: [String]? = nil) {
        self.verbs = verbs
        self.resources = resources
        self.resourceNames = resourceNames
        self.excludedResources = excludedResources
    }

    /// True if this rule grants `request`.
    public func matches(_ request: AccessRequest) -> Bool {
        CompiledRule(self).matches(request)
    }

    /// What is wrong with this rule; `path` names it in the violations (e.g. `rules[0]`).
    ///
    /// ``verbs`` and ``resources`` must not be empty; verbs must be known (or `"*"`); resource
    /// types must be DNS labels (or `"*"`). ``resourceNames`` and ``excludedResources``, when
    /// present, must not be empty and hold DNS labels only (no `"*"`: leave ``resourceNames`` out
    /// to match every name).
    public func validate(at path: String = "") -> [FieldViolation] {
        var violations: [FieldViolation] = []
        if verbs.isEmpty {
            violations.append(FieldViolation(field: AccessPath.join(path, "verbs"), reason: "must not be empty"))
        }
        for (index, verb) in verbs.enumerated() where !Verbs.isValidInRule(verb) {
            violations.append(
                FieldViolation(
                    field: AccessPath.index(path, "verbs", index),
                    reason: "unknown verb '\(verb)' (known: \(Verbs.known.joined(separator: ", ")) or '*')"))
        }
        if resources.isEmpty {
            violations.append(FieldViolation(field: AccessPath.join(path, "resources"), reason: "must not be empty"))
        }
        for (index, resource) in resources.enumerated() where resource != Self.wildcard {
            if let problem = Names.dnsLabelProblem(resource) {
                violations.append(FieldViolation(field: AccessPath.index(path, "resources", index), reason: problem))
            }
        }
        violations += Self.labelList(
            resourceNames, field: "resourceNames", at: path, wildcardHint: "omit resourceNames to match every name")
        violations += Self.labelList(
            excludedResources, field: "excludedResources", at: path, wildcardHint: "cannot exclude every resource type")
        return violations
    }

    private static func labelList(_ list: [String]?, field: String, at path: String, wildcardHint: String) -> [FieldViolation] {
        guard let list else { return [] }
        if list.isEmpty {
            return [FieldViolation(field: AccessPath.join(path, field), reason: "must not be empty when present")]
        }
        var violations: [FieldViolation] = []
        for (index, entry) in list.enumerated() {
            if entry == wildcard {
                violations.append(FieldViolation(field: AccessPath.index(path, field, index), reason: "must not be '*' (\(wildcardHint))"))
            } else if let problem = Names.dnsLabelProblem(entry) {
                violations.append(FieldViolation(field: AccessPath.index(path, field, index), reason: problem))
            }
        }
        return violations
    }
}
