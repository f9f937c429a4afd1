/// What controllers have observed of a resource. Only controllers (through the `status`
/// subresource) write it; a user's write of a resource leaves it as it was.
public struct ResourceStatus: Sendable, Hashable, Codable {
    /// The lifecycle phases every resource moves through.
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case pending, provisioning, ready, failed, deleting
    }

    public var phase: Phase
    public var conditions: [Condition]
    public var message: String?
    /// The resource `version` the controller last reconciled.
    public var observedVersion: Int64?
    /// Any other fields a type's controller reports.
    public var details: JSONValue?

    public init(
        phase: Phase = .pending, conditions: [Condition] = [], message: String? = nil,
        observedVersion: Int64? = nil, details: JSONValue? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.message = message
        self.observedVersion = observedVersion
        self.details = details
    }

    /// Sets the condition of this type, keeping its transition time if its status did not change.
    public mutating func setCondition(_ condition: Condition, now: String) {
        var condition = condition
        if let index = conditions.firstIndex(where: { $0.type == condition.type }) {
            let previous = conditions[index]
            condition.lastTransitionTime = previous.status == condition.status ? previous.lastTransitionTime : now
            conditions[index] = condition
        } else {
            condition.lastTransitionTime = now
            conditions.append(condition)
        }
    }
}
