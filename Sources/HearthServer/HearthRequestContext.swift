import HearthSecurity
import Hummingbird
import NIOCore

/// The context of one API request: Hummingbird's core context plus the request id and the
/// peer address (which authentication will use).
public struct HearthRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` if it sent a sane one, else a new id. Echoed on the response.
    public var requestID: String
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        requestID = ""
    }

    /// True when the peer is on this machine.
    public var isLoopbackPeer: Bool {
        guard let remoteAddress else { return false }
        if case .unixDomainSocket = remoteAddress { return true }
        return remoteAddress.ipAddress.map(IPAddressBytes.isLoopback) ?? false
    }
}
