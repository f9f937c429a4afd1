/// Who a ``RoleBinding`` grants its role to: a user, a group or a service account.
///
/// Users and groups are cluster-wide names; service accounts live in a namespace, so the same
/// service account name in two namespaces is two different subjects. Encoded as
/// `{"kind": "serviceAccount", "name": "builder", "namespace": "ci"}` (no `namespace` for users and
/// groups).
public struct Subject: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of subject.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A person (or anything that authenticates as a user), matched by name.
        case user
        /// A group, matched through the groups the caller has expanded into the ``Principal``.
        case group
        /// A service account, matched by namespace and name.
        case serviceAccount
    }

    /// The kind of subject.
    public let kind: Kind
    /// The user, group or service account name.
    public let name: String
    /// The service account's namespace; nil for users and groups.
    public let namespace: String?

    /// A subject as stored; ``validate(at:)`` says whether it is well formed.
    public init(kind: Kind, name: String, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// The user called `name`.
    public static func user(_ name: String) -> Subject { Subject(kind: .user, name: name) }

    /// The group called `name`.
    public static func group(_ name: String) -> Subject { Subject(kind: .group, name: name) }

    /// The service account `name` in `namespace`.
    public static func serviceAccount(_ name: String, namespace: String) -> Subject {
        Subject(kind: .serviceAccount, name: name, namespace: namespace)
    }

    public var description: String {
        switch kind {
        case .user: "user '\(name)'"
        case .group: "group '\(name)'"
        case .serviceAccount: "service account '\(namespace ?? "")/\(name)'"
        }
    }

    /// The most bytes a user or group name may have.
    public static let maxNameLength = 253

    /// What is wrong with this subject; `path` names it in the violations (e.g. `subjects[0]`).
    ///
    /// User and group names are 1 to 253 characters: ASCII letters, digits, `-`, `_`, `.`, `@`
    /// and `+`, starting and ending with a letter or digit (so e-mail addresses fit). Service
    /// account names and namespaces are DNS labels. Only service accounts have a namespace.
    public func validate(at path: String = "") -> [FieldViolation] {
        var violations: [FieldViolation] = []
        switch kind {
        case .user, .group:
            if let problem = Self.userOrGroupNameProblem(name) {
                violations.append(FieldViolation(field: AccessPath.join(path, "name"), reason: problem))
            }
            if namespace != nil {
                violations.append(
                    FieldViolation(field: AccessPath.join(path, "namespace"), reason: "must be absent for a \(kind.rawValue)"))
            }
        case .serviceAccount:
            if let problem = Names.dnsLabelProblem(name) {
                violations.append(FieldViolation(field: AccessPath.join(path, "name"), reason: problem))
            }
            if let namespace {
                if let problem = Names.dnsLabelProblem(namespace) {
                    violations.append(FieldViolation(field: AccessPath.join(path, "namespace"), reason: problem))
                }
            } else {
                violations.append(
                    FieldViolation(field: AccessPath.join(path, "namespace"), reason: "is required for a service account"))
            }
        }
        return violations
    }

    /// Why `name` is not a valid user or group name, or nil if it is.
    public static func userOrGroupNameProblem(_ name: String) -> String? {
        let bytes = name.utf8
        guard let first = bytes.first, let last = bytes.last else { return "must not be empty" }
        if bytes.count > maxNameLength { return "must be at most \(maxNameLength) characters long" }
        for byte in bytes where !isNameByte(byte) {
            return "must consist of letters, digits, '-', '_', '.', '@' and '+'"
        }
        if !Names.isAlnum(first) || !Names.isAlnum(last) {
            return "must start and end with a letter or digit"
        }
        return nil
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        Names.isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "+")
    }
}
