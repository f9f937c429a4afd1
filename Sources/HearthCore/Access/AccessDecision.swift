/// The outcome of ``PolicyEvaluator/decide(_:_:)``: allowed, with the grant that allowed it, or
/// denied, with a sentence saying what was missing.
public enum AccessDecision: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A binding grants the request.
    case allowed(reason: AccessGrant)
    /// Nothing grants the request (access is denied by default).
    case denied(reason: String)

    /// True for ``allowed(reason:)``.
    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    /// The grant, when allowed.
    public var grant: AccessGrant? {
        if case .allowed(let grant) = self { return grant }
        return nil
    }

    public var description: String {
        switch self {
        case .allowed(let grant): "allowed: \(grant)"
        case .denied(let reason): "denied: \(reason)"
        }
    }
}
