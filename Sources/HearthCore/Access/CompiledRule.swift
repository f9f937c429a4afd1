/// A ``PolicyRule`` prepared for matching: wildcards resolved to flags, names in a set.
struct CompiledRule: Sendable {
    let allVerbs: Bool
    let verbs: [String]
    let allResources: Bool
    let resources: [String]
    let excludedResources: [String]
    let resourceNames: Set<String>?

    init(_ rule: PolicyRule) {
        allVerbs = rule.verbs.contains(PolicyRule.wildcard)
        verbs = rule.verbs
        allResources = rule.resources.contains(PolicyRule.wildcard)
        resources = rule.resources
        excludedResources = rule.excludedResources ?? []
        resourceNames = rule.resourceNames.map(Set.init)
    }

    /// True if the rule grants `request`. A rule limited by name never matches a request without
    /// a name.
    func matches(_ request: AccessRequest) -> Bool {
        guard allVerbs || verbs.contains(request.verb) else { return false }
        guard allResources || resources.contains(request.resource) else { return false }
        if !excludedResources.isEmpty && excludedResources.contains(request.resource) { return false }
        if let resourceNames {
            guard let name = request.name, resourceNames.contains(name) else { return false }
        }
        return true
    }
}
