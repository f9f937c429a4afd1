/// One record of the audit trail: who asked for what, from where, and what was decided.
///
/// Written for every mutating request (allowed or not, with its outcome) and every denied request.
/// It holds names and outcomes only: never a request body, a password, a token or a secret value.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The store's sequence number, assigned when the entry is appended; increases with time.
    public var id: Int64?
    /// When the request was decided, RFC 3339 with milliseconds.
    public var time: String
    /// Who made the request (``Subject/text``, or `anonymous`); for a login, the account tried.
    public var principal: String
    /// The caller's address.
    public var source: String?
    /// The request id (`X-Request-Id`).
    public var requestID: String
    /// The verb: a resource verb (`create`, `delete`, ...) or the action (`login`, `setup`, ...).
    public var verb: String
    /// The resource type (`widgets`) or the API area (`auth`, `apikeys`).
    public var resource: String
    public var namespace: String?
    public var name: String?
    /// `allowed` or `denied`.
    public var decision: String
    /// The rule that allowed the request, or why it was denied.
    public var reason: String
    /// The HTTP status of the answer, once known.
    public var status: Int?

    public static let allowed = "allowed"
    public static let denied = "denied"

    public init(
        id: Int64? = nil, time: String = Timestamp.now(), principal: String, source: String?, requestID: String, verb: String,
        resource: String, namespace: String? = nil, name: String? = nil, decision: String, reason: String, status: Int? = nil
    ) {
        self.id = id
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
        self.status = status
    }
}
