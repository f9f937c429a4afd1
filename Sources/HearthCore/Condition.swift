/// One observed aspect of a resource's state, written by its controller.
public struct Condition: Sendable, Hashable, Codable {
    /// What this condition is about, e.g. `Ready` or `Reconciled`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String?
    public var message: String?
    public var lastTransitionTime: String?

    public init(type: String, status: String, reason: String? = nil, message: String? = nil, lastTransitionTime: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}
