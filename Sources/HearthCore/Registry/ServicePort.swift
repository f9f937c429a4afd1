/// A named port of a service: `{name: http, port: 8080, protocol: tcp}`. DNS answers SRV queries
/// for `_<name>._<tcp|udp>.<service>.<namespace>.svc.<domain>`.
public struct ServicePort: Sendable, Hashable, Codable {
    public enum TransportProtocol: String, Sendable, Hashable, Codable, CaseIterable {
        case tcp, udp, http, https, grpc

        /// The transport SRV names carry: `udp` for udp, `tcp` for the rest.
        public var transport: String { self == .udp ? "udp" : "tcp" }
    }

    public var name: String
    public var port: Int?
    public var `protocol`: TransportProtocol?

    public init(name: String, port: Int? = nil, protocol: TransportProtocol? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }
}
