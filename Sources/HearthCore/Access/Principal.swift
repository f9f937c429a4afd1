/// Who is making a request, once authentication has run.
///
/// A principal is a user, a service account (namespace-qualified) or anonymous. It carries the
/// groups it belongs to, which the caller expands from group resources before asking the
/// ``PolicyEvaluator``: the evaluator never looks groups up itself, it matches group subjects
/// against this list. Being an administrator is not a property of the principal: it comes only
/// from role bindings (a binding to ``Role/clusterAdmin``).
///
/// An anonymous principal matches no subject and belongs to no group, so every request it makes
/// is denied.
public struct Principal: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of caller this is.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A person, or anything that authenticates as a user.
        case user
        /// A workload, named by namespace and name.
        case serviceAccount
        /// A caller that did not authenticate.
        case anonymous
    }

    /// What kind of caller this is.
    public let kind: Kind
    /// The user or service account name; empty for anonymous callers.
    public let name: String
    /// The service account's namespace; nil for users and anonymous callers.
    public let namespace: String?
    /// The groups the caller belongs to, sorted and without duplicates.
    public let groups: [String]
    /// The authentication session the request belongs to, for the audit trail.
    public let sessionID: String?

    private init(kind: Kind, name: String, namespace: String?, groups: [String], sessionID: String?) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.groups = Array(Set(groups)).sorted()
        self.sessionID = sessionID
    }

    /// The user `name`, member of `groups`.
    public static func user(_ name: String, groups: [String] = [], sessionID: String? = nil) -> Principal {
        Principal(kind: .user, name: name, namespace: nil, groups: groups, sessionID: sessionID)
    }

    /// The service account `name` of `namespace`, member of `groups`.
    public static func serviceAccount(
        _ name: String, namespace: String, groups: [String] = [], sessionID: String? = nil
    ) -> Principal {
        Principal(kind: .serviceAccount, name: name, namespace: namespace, groups: groups, sessionID: sessionID)
    }

    /// A caller that did not authenticate: no name, no groups.
    public static func anonymous(sessionID: String? = nil) -> Principal {
        Principal(kind: .anonymous, name: "", namespace: nil, groups: [], sessionID: sessionID)
    }

    /// The subject that names this principal directly, or nil for anonymous callers.
    public var subject: Subject? {
        switch kind {
        case .user: .user(name)
        case .serviceAccount: .serviceAccount(name, namespace: namespace ?? "")
        case .anonymous: nil
        }
    }

    public var description: String {
        switch kind {
        case .user: "user '\(name)'"
        case .serviceAccount: "service account '\(namespace ?? "")/\(name)'"
        case .anonymous: "anonymous"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, name, namespace, groups, sessionID
    }

    /// Decodes a principal, refusing the shapes the factory methods cannot produce.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(Kind.self, forKey: .kind)
        let name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        let namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        let groups = try container.decodeIfPresent([String].self, forKey: .groups) ?? []
        let sessionID = try container.decodeIfPresent(String.self, forKey: .sessionID)
        switch kind {
        case .user:
            guard namespace == nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .namespace, in: container, debugDescription: "a user has no namespace")
            }
            self = .user(name, groups: groups, sessionID: sessionID)
        case .serviceAccount:
            guard let namespace else {
                throw DecodingError.dataCorruptedError(
                    forKey: .namespace, in: container, debugDescription: "a service account needs a namespace")
            }
            self = .serviceAccount(name, namespace: namespace, groups: groups, sessionID: sessionID)
        case .anonymous:
            guard name.isEmpty, namespace == nil, groups.isEmpty else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: container, debugDescription: "an anonymous principal has no name, namespace or groups")
            }
            self = .anonymous(sessionID: sessionID)
        }
    }
}
