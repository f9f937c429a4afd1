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

    enum CodingKeys: String, CodingKey {
        case phase, conditions, message, observedVersion, details
    }

    /// Decodes a status; `conditions` may be absent or null (the status schema does not require it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phase = try container.decode(Phase.self, forKey: .phase)
        conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
        message = try container.decodeIfPresent(String.self, forKey: .message)
        observedVersion = try container.decodeIfPresent(Int64.self, forKey: .observedVersion)
        details = try container.decodeIfPresent(JSONValue.self, forKey: .details)
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
