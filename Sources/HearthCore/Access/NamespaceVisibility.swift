/// Which namespaces a principal can see at all, from ``PolicyEvaluator/visibleNamespaces(_:)``:
/// used to filter namespace lists, and to answer 404 rather than 403 in namespaces the caller has
/// nothing in.
public enum NamespaceVisibility: Sendable, Hashable {
    /// Every namespace (the principal has a cluster-wide binding).
    case all
    /// Only these namespaces (where the principal has a namespace binding).
    case only(Set<String>)

    /// True if `namespace` is visible.
    public func contains(_ namespace: String) -> Bool {
        switch self {
        case .all: true
        case .only(let namespaces): namespaces.contains(namespace)
        }
    }
}
