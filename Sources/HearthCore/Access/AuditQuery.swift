/// Filters for reading the audit trail, newest entries first.
public struct AuditQuery: Sendable, Hashable {
    public static let maxLimit = 1000

    public var principal: String?
    public var verb: String?
    public var resource: String?
    public var namespace: String?
    public var decision: String?
    /// Entries at or after this time (milliseconds since 1970).
    public var sinceMillis: Int64?
    /// Entries before this time (milliseconds since 1970).
    public var untilMillis: Int64?
    /// Entries with an id below this one: the cursor for the next page.
    public var beforeID: Int64?
    public var limit: Int

    public init(
        principal: String? = nil, verb: String? = nil, resource: String? = nil, namespace: String? = nil, decision: String? = nil,
        sinceMillis: Int64? = nil, untilMillis: Int64? = nil, beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.principal = principal
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.decision = decision
        self.sinceMillis = sinceMillis
        self.untilMillis = untilMillis
        self.beforeID = beforeID
        self.limit = limit
    }
}
