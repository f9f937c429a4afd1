import HearthCore
import HearthDNS
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// The DNS server: UDP (RFC 1035) and TCP (RFC 7766) on one address, answering from the
/// ``DNSCatalog``. It runs on event loops of its own, so a flood of queries does not take the
/// API's threads; each loop has its own UDP socket (SO_REUSEPORT) and the kernel spreads
/// datagrams over them.
final class DNSServer: Service, Sendable {
    let host: String
    let port: Int
    let responder: DNSResponder
    let forwarder: DNSForwarder?
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let onListening: @Sendable (HostPort) -> Void
    /// TCP connections idle this long are closed (RFC 7766 §6.2.3 suggests seconds).
    static let idleTimeout = TimeAmount.seconds(10)

    init(
        host: String, port: Int, responder: DNSResponder, forwarder: DNSForwarder?, threads: Int, logger: Logger,
        onListening: @escaping @Sendable (HostPort) -> Void = { _ in }
    ) {
        self.onListening = onListening
        self.host = host
        self.port = port
        self.responder = responder
        self.forwarder = forwarder
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.logger = logger
    }

    func run() async throws {
        let channels: [any Channel]
        do {
            channels = try await bind()
        } catch {
            try? await group.shutdownGracefully()
            throw HearthError(.badRequest, "cannot serve DNS on \(host):\(port) (--dns-listen): \(error)")
        }
        let bound = HostPort(host: host, port: channels.first?.localAddress?.port ?? port)
        logger.info("dns listening", metadata: ["address": "\(bound)", "transports": "udp, tcp"])
        onListening(bound)
        try? await gracefulShutdown()
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
    }

    /// Binds the UDP sockets and the TCP listener; returns their channels.
    func bind() async throws -> [any Channel] {
        var channels: [any Channel] = []
        let responder = self.responder
        let forwarder = self.forwarder
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: Self.idleTimeout),
                        ByteToMessageHandler(DNSTCPFrameDecoder()),
                        DNSTCPHandler(responder: responder, forwarder: forwarder),
                    ])
                }
            }
            .bind(host: host, port: port).get()
        channels.append(tcp)
        // The UDP port is the TCP listener's (port 0 picks one for both).
        let boundPort = tcp.localAddress?.port ?? port
        for _ in 0..<groupSize {
            let udp = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(ChannelOptions.Types.SocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_REUSEPORT)), value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DNSUDPHandler(responder: responder, forwarder: forwarder))
                    }
                }
                .bind(host: host, port: boundPort).get()
            channels.append(udp)
        }
        return channels
    }

    private var groupSize: Int {
        var count = 0
        for _ in group.makeIterator() { count += 1 }
        return count
    }
}

/// Answers DNS over UDP: one datagram in, one out, on the event loop.
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let responder: DNSResponder
    let forwarder: DNSForwarder?

    init(responder: DNSResponder, forwarder: DNSForwarder?) {
        self.responder = responder
        self.forwarder = forwarder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        switch responder.respond(to: bytes, transport: .udp) {
        case .reply(let answer):
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: answer))), promise: nil)
        case .forward(let query):
            guard let forwarder else { return }
            let channel = context.channel
            let remote = envelope.remoteAddress
            forwarder.forward(query, bytes: bytes, transport: .udp, on: context.eventLoop).whenSuccess { answer in
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: answer)), promise: nil)
            }
        case .drop:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A datagram socket survives errors such as ICMP port unreachable; keep serving.
    }
}

/// Splits a TCP stream into DNS messages, each behind a two-byte length (RFC 1035 §4.2.2).
struct DNSTCPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return .needMoreData }
        guard buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

/// Answers DNS over TCP: queries may be pipelined; answers go out in order of completion with
/// their ids (RFC 7766 §6.2.1.1), each behind its length.
final class DNSTCPHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let responder: DNSResponder
    let forwarder: DNSForwarder?

    init(responder: DNSResponder, forwarder: DNSForwarder?) {
        self.responder = responder
        self.forwarder = forwarder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        switch responder.respond(to: bytes, transport: .tcp) {
        case .reply(let answer):
            context.write(wrapOutboundOut(Self.frame(answer, allocator: context.channel.allocator)), promise: nil)
        case .forward(let query):
            guard let forwarder else { return }
            let channel = context.channel
            forwarder.forward(query, bytes: bytes, transport: .tcp, on: context.eventLoop).whenSuccess { answer in
                channel.writeAndFlush(Self.frame(answer, allocator: channel.allocator), promise: nil)
            }
        case .drop:
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    static func frame(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: bytes.count + 2)
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }
}
