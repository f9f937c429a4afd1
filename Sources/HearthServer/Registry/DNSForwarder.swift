import HearthCore
import HearthDNS
import NIOCore
import NIOPosix

/// Sends queries for names outside Hearth's zones to upstream resolvers (`--dns-upstream`), over
/// UDP, trying each in turn for `timeout`; SERVFAIL when none answers.
struct DNSForwarder: Sendable {
    let upstreams: [SocketAddress]
    let timeout: TimeAmount

    init(upstreams: [HostPort], timeout: TimeAmount = .seconds(2)) throws {
        self.upstreams = try upstreams.map { try SocketAddress.makeAddressResolvingHost($0.host, port: $0.port) }
        self.timeout = timeout
    }

    func forward(_ query: DNSMessage, bytes: [UInt8], transport: DNSResponder.Transport, on eventLoop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        attempt(0, bytes: bytes, on: eventLoop).flatMapErrorWithEventLoop { _, eventLoop in
            var failure = query.makeResponse()
            failure.rcode = .servFail
            return eventLoop.makeSucceededFuture(DNSResponder.finish(&failure, query: query, transport: transport))
        }
    }

    private func attempt(_ index: Int, bytes: [UInt8], on eventLoop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        guard index < upstreams.count else { return eventLoop.makeFailedFuture(HearthError(.unavailable, "no upstream answered")) }
        let upstream = upstreams[index]
        let promise = eventLoop.makePromise(of: [UInt8].self)
        let completion = ForwardCompletion(promise)
        let id = bytes.count >= 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
        let bindHost = upstream.protocol == .inet6 ? "::" : "0.0.0.0"
        DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamAnswerHandler(id: id, from: upstream, completion: completion))
                }
            }
            .bind(host: bindHost, port: 0)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    completion.fail(error)
                case .success(let channel):
                    let timer = eventLoop.scheduleTask(in: timeout) { completion.fail(HearthError(.unavailable, "upstream timed out")) }
                    promise.futureResult.whenComplete { _ in
                        timer.cancel()
                        channel.close(promise: nil)
                    }
                    channel.writeAndFlush(AddressedEnvelope(remoteAddress: upstream, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
                }
            }
        return promise.futureResult.flatMapError { _ in attempt(index + 1, bytes: bytes, on: eventLoop) }
    }
}

/// Takes the first datagram from the upstream that carries the query's id.
private final class UpstreamAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let id: UInt16
    let upstream: SocketAddress
    let completion: ForwardCompletion

    init(id: UInt16, from upstream: SocketAddress, completion: ForwardCompletion) {
        self.id = id
        self.upstream = upstream
        self.completion = completion
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        guard envelope.remoteAddress == upstream, bytes.count >= 12, UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id else { return }
        completion.succeed(bytes)
    }
}

/// Completes a forward's promise once: by the first answer, the timeout or a failure, whichever
/// comes first. Used only on the forward's event loop.
private final class ForwardCompletion: @unchecked Sendable {
    private let promise: EventLoopPromise<[UInt8]>
    private var done = false

    init(_ promise: EventLoopPromise<[UInt8]>) { self.promise = promise }

    func succeed(_ bytes: [UInt8]) {
        guard !done else { return }
        done = true
        promise.succeed(bytes)
    }

    func fail(_ error: any Error) {
        guard !done else { return }
        done = true
        promise.fail(error)
    }
}
