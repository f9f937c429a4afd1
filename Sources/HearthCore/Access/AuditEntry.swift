/// One record of the audit trail: who asked for what, from where, and what was decided.
///
/// Written for every mutating request (allowed or not, with its outcome) and every denied request.
/// It holds names and outcomes only: never a request body, a password, a token or a secret value.
///
/// The text fields live in one shared, copy-on-write reference: an entry goes from the request
/// to the store's queue, its batch and its transaction, and copying a dozen strings (a retain and
/// a release each, some of them on strings every request shares) at every hand-off cost an
/// audited write more than storing it. The id and the status, set as the entry is stored, are
/// kept inline.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The store's sequence number, assigned when the entry is appended; increases with time.
    public var id: Int64?
    /// The HTTP status of the answer, once known.
    public var status: Int?
    private var fields: Fields

    /// When the request was decided, RFC 3339 with milliseconds (as SQLite keeps it: when the
    /// entry was committed, milliseconds later).
    public var time: String {
        get { fields.time }
        set { uniqueFields().time = newValue }
    }
    /// Who made the request (``Subject/text``, or `anonymous`); for a login, the account tried.
    public var principal: String {
        get { fields.principal }
        set { uniqueFields().principal = newValue }
    }
    /// The caller's address.
    public var source: String? {
        get { fields.source }
        set { uniqueFields().source = newValue }
    }
    /// The request id (`X-Request-Id`).
    public var requestID: String {
        get { fields.requestID }
        set { uniqueFields().requestID = newValue }
    }
    /// The verb: a resource verb (`create`, `delete`, ...) or the action (`login`, `setup`, ...).
    public var verb: String {
        get { fields.verb }
        set { uniqueFields().verb = newValue }
    }
    /// The resource type (`widgets`) or the API area (`auth`, `apikeys`).
    public var resource: String {
        get { fields.resource }
        set { uniqueFields().resource = newValue }
    }
    public var namespace: String? {
        get { fields.namespace }
        set { uniqueFields().namespace = newValue }
    }
    public var name: String? {
        get { fields.name }
        set { uniqueFields().name = newValue }
    }
    /// `allowed` or `denied`.
    public var decision: String {
        get { fields.decision }
        set { uniqueFields().decision = newValue }
    }
    /// The rule that allowed the request, or why it was denied.
    public var reason: String {
        get { fields.reason }
        set { uniqueFields().reason = newValue }
    }

    public static let allowed = "allowed"
    public static let denied = "denied"

    public init(
        id: Int64? = nil, time: String = Timestamp.now(), principal: String, source: String?, requestID: String, verb: String,
        resource: String, namespace: String? = nil, name: String? = nil, decision: String, reason: String, status: Int? = nil
    ) {
        self.id = id
        self.status = status
        fields = Fields(
            time: time, principal: principal, source: source, requestID: requestID, verb: verb, resource: resource, namespace: namespace,
            name: name, decision: decision, reason: reason)
    }

    /// The fields, this entry's own before it changes one.
    private mutating func uniqueFields() -> Fields {
        if !isKnownUniquelyReferenced(&fields) { fields = fields.copy() }
        return fields
    }

    // MARK: Equality and coding, field by field as if every field were stored inline

    public static func == (lhs: AuditEntry, rhs: AuditEntry) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && (lhs.fields === rhs.fields || lhs.fields.values == rhs.fields.values)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(status)
        hasher.combine(fields.values)
    }

    private enum CodingKeys: String, CodingKey {
        case id, time, principal, source, requestID, verb, resource, namespace, name, decision, reason, status
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decodeIfPresent(Int64.self, forKey: .id), time: try container.decode(String.self, forKey: .time),
            principal: try container.decode(String.self, forKey: .principal), source: try container.decodeIfPresent(String.self, forKey: .source),
            requestID: try container.decode(String.self, forKey: .requestID), verb: try container.decode(String.self, forKey: .verb),
            resource: try container.decode(String.self, forKey: .resource), namespace: try container.decodeIfPresent(String.self, forKey: .namespace),
            name: try container.decodeIfPresent(String.self, forKey: .name), decision: try container.decode(String.self, forKey: .decision),
            reason: try container.decode(String.self, forKey: .reason), status: try container.decodeIfPresent(Int.self, forKey: .status))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(time, forKey: .time)
        try container.encode(principal, forKey: .principal)
        try container.encodeIfPresent(source, forKey: .source)
        try container.encode(requestID, forKey: .requestID)
        try container.encode(verb, forKey: .verb)
        try container.encode(resource, forKey: .resource)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encode(decision, forKey: .decision)
        try container.encode(reason, forKey: .reason)
        try container.encodeIfPresent(status, forKey: .status)
    }

    /// The text fields. Changed only through ``uniqueFields()``, so never while shared: that is
    /// what makes the `@unchecked Sendable` sound.
    private final class Fields: @unchecked Sendable {
        var time: String
        var principal: String
        var source: String?
        var requestID: String
        var verb: String
        var resource: String
        var namespace: String?
        var name: String?
        var decision: String
        var reason: String

        init(
            time: String, principal: String, source: String?, requestID: String, verb: String, resource: String, namespace: String?,
            name: String?, decision: String, reason: String
        ) {
            self.time = time
            self.principal = principal
            self.source = source
            self.requestID = requestID
            self.verb = verb
            self.resource = resource
            self.namespace = namespace
            self.name = name
            self.decision = decision
            self.reason = reason
        }

        func copy() -> Fields {
            Fields(
                time: time, principal: principal, source: source, requestID: requestID, verb: verb, resource: resource, namespace: namespace,
                name: name, decision: decision, reason: reason)
        }

        /// Every field, for equality and hashing.
        var values: [String?] { [time, principal, source, requestID, verb, resource, namespace, name, decision, reason] }
    }
}
