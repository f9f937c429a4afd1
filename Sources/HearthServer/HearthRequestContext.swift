import HearthCore
import HearthSecurity
import Hummingbird
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The context of one API request: Hummingbird's core context plus the request id, the peer
/// address, who the caller is (set by ``AuthenticationMiddleware``) and what the request guard
/// allowed (set by ``APIRouter`` before the handler runs).
public struct HearthRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Hearth's own per-request state, behind one reference: Hummingbird copies the context at
    /// every middleware, and one retain is cheaper than one per field.
    private let state = RequestState()

    /// The caller's `X-Request-Id` if it sent a sane one, else a new id. Echoed on the response.
    public var requestID: String {
        get { state.requestID }
        nonmutating set { state.requestID = newValue }
    }

    /// Who the caller is, once authentication has run.
    var identity: RequestIdentity {
        get { state.identity }
        nonmutating set { state.identity = newValue }
    }

    /// What the guard allowed this request; nil before it has run.
    var access: RequestAccess? {
        get { state.access }
        nonmutating set { state.access = newValue }
    }

    /// Where the handler leaves what the audit entry of a mutating request needs.
    var auditNote: AuditNote? {
        get { state.auditNote }
        nonmutating set { state.auditNote = newValue }
    }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The connection the request came on (for the TLS peer's client certificate).
    let channel: any Channel

    /// True when the peer is on this machine.
    public var isLoopbackPeer: Bool {
        guard let remoteAddress else { return false }
        if case .unixDomainSocket = remoteAddress { return true }
        return remoteAddress.ipAddress.map(IPAddressBytes.isLoopback) ?? false
    }

    /// The peer's address, for the audit trail and rate limits (formatted once a request).
    var sourceAddress: String {
        if let address = state.sourceAddress { return address }
        let address: String
        if let remoteAddress {
            switch remoteAddress {
            case .unixDomainSocket: address = "unix"
            case .v4(let v4): address = Self.dottedQuad(v4.address.sin_addr.s_addr)
            case .v6: address = remoteAddress.ipAddress ?? "unknown"
            }
        } else {
            address = "unknown"
        }
        state.sourceAddress = address
        return address
    }

    /// An IPv4 address (network byte order) as `a.b.c.d`, without `inet_ntop` and the C string
    /// it makes: the audit trail asks on every audited request.
    static func dottedQuad(_ networkOrder: UInt32) -> String {
        let value = UInt32(bigEndian: networkOrder)
        return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
    }

    /// The scope of a key-value token, when the caller presented one.
    var kvScope: KVTokenScope? {
        if case .authenticated(let caller) = identity { return caller.kvScope }
        return nil
    }

    /// The authenticated principal, or anonymous.
    var principal: Principal {
        if case .authenticated(let caller) = identity { return caller.principal }
        return .anonymous()
    }

    /// ``principal`` as text (`user:alice`, `anonymous`), for the audit trail and owner fields.
    var principalText: String {
        if case .authenticated(let caller) = identity { return caller.principalText }
        return "anonymous"
    }
}

/// Who made a request, as ``AuthenticationMiddleware`` found.
enum RequestIdentity: Sendable {
    /// No credentials were presented.
    case anonymous
    case authenticated(Caller)
    /// Credentials were presented and refused: the error says why (401).
    case failed(HearthError)
}

/// An authenticated caller and how it proved it. A class: it is cached per credential and carried
/// by every copy of the request context, so one reference beats copying its strings.
final class Caller: Sendable {
    enum Method: String, Sendable, Codable {
        case accessToken = "access-token"
        case apiKey = "api-key"
        case kvToken = "kv-token"
        case clientCertificate = "client-certificate"
    }

    let principal: Principal
    /// `principal.text`, made once per cached credential rather than on every audited request.
    let principalText: String
    let method: Method
    /// The session id (access token) or key id (API key).
    let credentialID: String
    /// When the access token expires (nil for API keys).
    let expiresAt: String?
    /// For a key-value token: the only keys it may touch. The principal is the token's maker,
    /// whose roles must still allow each request.
    let kvScope: KVTokenScope?

    init(principal: Principal, method: Method, credentialID: String, expiresAt: String?, kvScope: KVTokenScope? = nil) {
        self.principal = principal
        self.principalText = principal.text
        self.method = method
        self.credentialID = credentialID
        self.expiresAt = expiresAt
        self.kvScope = kvScope
    }
}

/// What the guard allowed a request to do. A class, for the same reason as ``Caller``.
final class RequestAccess: Sendable {
    /// The grant that allowed it, when a role binding did.
    let grant: AccessGrant?
    /// Why it was allowed otherwise.
    let note: String
    /// A list the caller may see only the public items of.
    let publicOnly: Bool
    /// A namespace list the caller may see only its visible namespaces of.
    let visibleOnly: Bool

    init(grant: AccessGrant? = nil, note: String = "", publicOnly: Bool = false, visibleOnly: Bool = false) {
        self.grant = grant
        self.note = note
        self.publicOnly = publicOnly
        self.visibleOnly = visibleOnly
    }

    /// Why it was allowed, for the audit trail (only computed when an entry is written).
    var reason: String { grant?.description ?? note }
}

/// Filled by a handler, read by ``APIRouter`` after it: whether the handler already committed the
/// audit entry with its write, and who and what it was about (a login names the account tried).
final class AuditNote: Sendable {
    private let state = Mutex<(recorded: Bool, principal: String?, name: String?)>((false, nil, nil))

    var recorded: Bool {
        get { state.withLock { $0.recorded } }
        set { state.withLock { $0.recorded = newValue } }
    }

    var principal: String? {
        get { state.withLock { $0.principal } }
        set { state.withLock { $0.principal = newValue } }
    }

    var name: String? {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }
}

/// The mutable part of one request's context. A request's middlewares, guard and handler run one
/// after another, never at once, which is what makes the unchecked `Sendable` sound: no two tasks
/// touch one request's state at the same time.
final class RequestState: @unchecked Sendable {
    var requestID = ""
    var identity: RequestIdentity = .anonymous
    var access: RequestAccess?
    var auditNote: AuditNote?
    var sourceAddress: String?
}
