/// Gives a ``Role`` to ``Subject``s, either everywhere or inside one namespace.
///
/// A cluster binding applies to every request, cluster-scoped or in any namespace. A namespace
/// binding applies only to requests in its namespace, and to the namespace object itself
/// (`namespaces/<its namespace>`) for every verb except `create`: that is what lets an
/// ``Role/owner`` delete the namespace. A binding that names a role nobody defined grants nothing.
public struct RoleBinding: Sendable, Hashable, Codable {
    /// The resource type name under which role bindings are stored and authorised.
    public static let resourceTypeName = "rolebindings"

    /// Where a binding applies.
    public enum Scope: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Everywhere: cluster-scoped resources and every namespace.
        case cluster
        /// Only inside the named namespace.
        case namespace(String)

        /// The namespace of a namespace binding; nil for a cluster binding.
        public var namespace: String? {
            if case .namespace(let namespace) = self { return namespace }
            return nil
        }

        public var description: String {
            switch self {
            case .cluster: "cluster-wide"
            case .namespace(let namespace): "in namespace '\(namespace)'"
            }
        }

        private enum CodingKeys: String, CodingKey { case kind, namespace }
        private enum Kind: String, Codable { case cluster, namespace }

        /// Encoded as `{"kind": "cluster"}` or `{"kind": "namespace", "namespace": "team-a"}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .cluster:
                try container.encode(Kind.cluster, forKey: .kind)
            case .namespace(let namespace):
                try container.encode(Kind.namespace, forKey: .kind)
                try container.encode(namespace, forKey: .namespace)
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            switch try container.decode(Kind.self, forKey: .kind) {
            case .cluster:
                guard !container.contains(.namespace) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .namespace, in: container, debugDescription: "a cluster scope has no namespace")
                }
                self = .cluster
            case .namespace:
                self = .namespace(try container.decode(String.self, forKey: .namespace))
            }
        }
    }

    /// The binding's name (a DNS label), unique within its scope.
    public let name: String
    /// The name of the role granted.
    public let roleName: String
    /// Who gets the role.
    public let subjects: [Subject]
    /// Where the role applies.
    public let scope: Scope

    /// A binding as stored; ``validate(at:)`` says whether it is well formed.
    public init(name: String, roleName: String, subjects: [Subject], scope: Scope) {
        self.name = name
        self.roleName = roleName
        self.subjects = subjects
        self.scope = scope
    }

    /// What is wrong with this binding; `path` prefixes the fields.
    ///
    /// The name, the role name and a namespace scope's namespace must be DNS labels; there must be
    /// at least one subject and every subject must be valid. The role need not exist (yet): a
    /// binding to an unknown role grants nothing.
    public func validate(at path: String = "") -> [FieldViolation] {
        var violations: [FieldViolation] = []
        if let problem = Names.dnsLabelProblem(name) {
            violations.append(FieldViolation(field: AccessPath.join(path, "name"), reason: problem))
        }
        if let problem = Names.dnsLabelProblem(roleName) {
            violations.append(FieldViolation(field: AccessPath.join(path, "roleName"), reason: problem))
        }
        if subjects.isEmpty {
            violations.append(FieldViolation(field: AccessPath.join(path, "subjects"), reason: "must have at least one subject"))
        }
        for (index, subject) in subjects.enumerated() {
            violations += subject.validate(at: AccessPath.index(path, "subjects", index))
        }
        if case .namespace(let namespace) = scope, let problem = Names.dnsLabelProblem(namespace) {
            violations.append(FieldViolation(field: AccessPath.join(path, "scope.namespace"), reason: problem))
        }
        return violations
    }
}
