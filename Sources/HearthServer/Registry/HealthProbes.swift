import AsyncHTTPClient
import Foundation
import HearthCore
import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

/// Runs one health check against its target: HTTP(S) with AsyncHTTPClient, TCP and gRPC with
/// SwiftNIO. A probe never throws: whatever happens is a state and an output.
final class HealthProbes: Sendable {
    struct Result: Sendable, Hashable {
        var state: HealthState
        var output: String
    }

    private let plainClient: HTTPClient
    private let verifyingClient: HTTPClient
    private let group: any EventLoopGroup
    private let insecureTLS: NIOSSLContext
    private let verifyingTLS: NIOSSLContext

    /// `trustedCAPEM` is Hearth's CA, what `verifyTLS` checks certificates against.
    init(trustedCAPEM: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.group = group
        var plain = HTTPClient.Configuration(redirectConfiguration: .disallow)
        var insecure = TLSConfiguration.makeClientConfiguration()
        insecure.certificateVerification = .none
        plain.tlsConfiguration = insecure
        plain.connectionPool = .init(idleTimeout: .seconds(60))
        var verifying = HTTPClient.Configuration(redirectConfiguration: .disallow)
        var trusted = TLSConfiguration.makeClientConfiguration()
        trusted.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustedCAPEM.utf8)))
        verifying.tlsConfiguration = trusted
        plainClient = HTTPClient(eventLoopGroup: group, configuration: plain)
        verifyingClient = HTTPClient(eventLoopGroup: group, configuration: verifying)
        var insecureH2 = insecure
        insecureH2.applicationProtocols = ["h2"]
        var trustedH2 = trusted
        trustedH2.applicationProtocols = ["h2"]
        insecureTLS = try NIOSSLContext(configuration: insecureH2)
        verifyingTLS = try NIOSSLContext(configuration: trustedH2)
    }

    func shutdown() async {
        try? await plainClient.shutdown()
        try? await verifyingClient.shutdown()
    }

    /// Runs `check` of an instance at `address:port`.
    func run(_ check: HealthCheckSpec, address: String, port: Int?) async -> Result {
        let timeout = check.timeoutDuration
        switch check.type {
        case .http, .https:
            let scheme = check.type.rawValue
            let host = address.contains(":") ? "[\(address)]" : address
            guard let url = check.target ?? port.map({ "\(scheme)://\(host):\($0)/" }) else {
                return Result(state: .critical, output: "no target: the check has none and the instance has no port")
            }
            return await http(url, expected: HealthCheckSpec.statusRanges(check.expectedStatus) ?? [200...299], verify: check.verifyTLS == true, timeout: timeout)
        case .tcp:
            guard let target = check.target.flatMap(HostPort.parse) ?? port.map({ HostPort(host: address, port: $0) }) else {
                return Result(state: .critical, output: "no target: the check has none and the instance has no port")
            }
            return await tcp(target, timeout: timeout)
        case .grpc:
            guard let target = check.target.flatMap(HostPort.parse) ?? port.map({ HostPort(host: address, port: $0) }) else {
                return Result(state: .critical, output: "no target: the check has none and the instance has no port")
            }
            return await grpc(target, service: check.grpcService ?? "", tls: check.tls == true, verify: check.verifyTLS == true, timeout: timeout)
        case .ttl:
            return Result(state: .critical, output: "ttl checks are reported by the instance")
        }
    }

    // MARK: HTTP

    private func http(_ url: String, expected: [ClosedRange<Int>], verify: Bool, timeout: Duration) async -> Result {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "hearth-health-check")
        request.headers.add(name: "Accept", value: "text/plain, text/*, application/json, */*")
        let client = verify ? verifyingClient : plainClient
        do {
            let response = try await client.execute(request, timeout: Self.timeAmount(timeout))
            let body = try await response.body.collect(upTo: HealthCheckSpec.maxOutputBytes)
            let code = Int(response.status.code)
            let state: HealthState = expected.contains { $0.contains(code) } ? .passing : code == 429 ? .warning : .critical
            var output = "HTTP GET \(url): \(code) \(response.status.reasonPhrase)"
            let text = String(buffer: body)
            if !text.isEmpty { output += " Output: \(text)" }
            return Result(state: state, output: InstanceHealth.truncate(output))
        } catch let error as NIOTooManyBytesError {
            return Result(state: .critical, output: "HTTP GET \(url): \(error)")
        } catch {
            return Result(state: .critical, output: "HTTP GET \(url): \(Self.describe(error))")
        }
    }

    // MARK: TCP

    private func tcp(_ target: HostPort, timeout: Duration) async -> Result {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(Self.timeAmount(timeout))
                .connect(host: target.host, port: target.port).get()
            try? await channel.close()
            return Result(state: .passing, output: "TCP connect \(target): success")
        } catch {
            return Result(state: .critical, output: "TCP connect \(target): \(Self.describe(error))")
        }
    }

    // MARK: gRPC

    /// The gRPC health checking protocol: `grpc.health.v1.Health/Check` over HTTP/2 (prior
    /// knowledge, or TLS with ALPN h2), with the two protobuf messages encoded by hand.
    private func grpc(_ target: HostPort, service: String, tls: Bool, verify: Bool, timeout: Duration) async -> Result {
        let sslContext = tls ? (verify ? verifyingTLS : insecureTLS) : nil
        let deadline = Self.timeAmount(timeout)
        let answer: EventLoopFuture<GRPCHealthAnswer>
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: GRPCHealthAnswer.self)
        let timer = eventLoop.scheduleTask(in: deadline) { promise.fail(HearthError(.unavailable, "timed out after \(timeout)")) }
        answer = promise.futureResult
        // The HTTP/2 handler is in the pipeline before the connection opens: the server's
        // SETTINGS can arrive at once, and bytes read before the handler is added are lost.
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(deadline)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: IPAddressBytes.parse(target.host) == nil ? target.host : nil))
                    }
                    _ = try sync.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init(),
                        inboundStreamInitializer: { $0.close() })
                }
            }
        var connection: (any Channel)?
        do {
            let channel = try await bootstrap.connect(host: target.host, port: target.port).get()
            connection = channel
            let multiplexer = try await channel.pipeline.handler(type: NIOHTTP2Handler.self).flatMap { $0.multiplexer }.get()
            let request = GRPCHealthRequest(service: service, authority: target.description, scheme: tls ? "https" : "http")
            multiplexer.createStreamChannel(promise: nil) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(GRPCHealthStreamHandler(request: request, promise: promise))
                }
            }
            let result = try await answer.get()
            timer.cancel()
            try? await channel.close()
            return result.result(for: target, service: service)
        } catch {
            timer.cancel()
            promise.fail(error)
            if let connection { try? await connection.close() }
            return Result(state: .critical, output: "gRPC health check \(target): \(Self.describe(error))")
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.inSeconds * 1e9))
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HearthError { return error.message }
        if let error = error as? HTTPClientError { return "\(error)" }
        if let error = error as? ChannelError, case .connectTimeout(let amount) = error {
            return "connection timed out after \(amount.nanoseconds / 1_000_000) ms"
        }
        if let error = error as? NIOConnectionError {
            return "connection failed: " + (error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)")
        }
        return "\(error)"
    }
}

/// The request of a gRPC health check.
struct GRPCHealthRequest: Sendable {
    let service: String
    let authority: String
    let scheme: String

    /// The length-prefixed `HealthCheckRequest { string service = 1; }`.
    var body: [UInt8] {
        var message: [UInt8] = []
        let name = Array(service.utf8)
        if !name.isEmpty {
            message.append(0x0A)
            var length = name.count
            while length >= 0x80 {
                message.append(UInt8(length & 0x7F) | 0x80)
                length >>= 7
            }
            message.append(UInt8(length))
            message += name
        }
        let count = UInt32(message.count)
        return [0, UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + message
    }
}

/// What a gRPC health check answered.
struct GRPCHealthAnswer: Sendable {
    var httpStatus: String?
    var grpcStatus: String?
    var grpcMessage: String?
    var servingStatus: Int?

    static let statusNames = [0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"]

    func result(for target: HostPort, service: String) -> HealthProbes.Result {
        let what = "gRPC health check \(target)\(service.isEmpty ? "" : " service '\(service)'")"
        guard httpStatus == "200" else { return .init(state: .critical, output: "\(what): HTTP status \(httpStatus ?? "missing")") }
        guard grpcStatus == "0" else {
            return .init(state: .critical, output: "\(what): grpc-status \(grpcStatus ?? "missing")\(grpcMessage.map { " (\($0))" } ?? "")")
        }
        let name = servingStatus.map { Self.statusNames[$0] ?? "status \($0)" } ?? "UNKNOWN"
        return .init(state: servingStatus == 1 ? .passing : .critical, output: "\(what): \(name)")
    }

    /// Reads `HealthCheckResponse { ServingStatus status = 1; }` from length-prefixed messages.
    static func servingStatus(in data: [UInt8]) -> Int? {
        guard data.count >= 5, data[0] == 0 else { return nil }
        let length = Int(data[1]) << 24 | Int(data[2]) << 16 | Int(data[3]) << 8 | Int(data[4])
        guard data.count >= 5 + length else { return nil }
        var index = 5
        let end = 5 + length
        var status = 0
        while index < end {
            let tag = data[index]
            index += 1
            guard tag & 0x07 == 0 else { return nil }  // only varint fields are expected
            var value = 0
            var shift = 0
            while index < end, shift < 64 {
                let byte = data[index]
                index += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            if tag >> 3 == 1 { status = value }
        }
        return status
    }
}

/// One HTTP/2 stream of a gRPC health check: sends the request, collects headers, data and
/// trailers, and completes the promise at the end of the stream.
private final class GRPCHealthStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    let request: GRPCHealthRequest
    let promise: EventLoopPromise<GRPCHealthAnswer>
    private var answer = GRPCHealthAnswer()
    private var data: [UInt8] = []

    init(request: GRPCHealthRequest, promise: EventLoopPromise<GRPCHealthAnswer>) {
        self.request = request
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        let headers: HPACKHeaders = [
            ":method": "POST", ":scheme": request.scheme, ":path": "/grpc.health.v1.Health/Check", ":authority": request.authority,
            "content-type": "application/grpc", "te": "trailers", "user-agent": "hearth-health-check",
        ]
        context.write(wrapOutboundOut(.headers(.init(headers: headers))), promise: nil)
        let body = context.channel.allocator.buffer(bytes: request.body)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            for (name, value, _) in headers.headers {
                switch name {
                case ":status": answer.httpStatus = value
                case "grpc-status": answer.grpcStatus = value
                case "grpc-message": answer.grpcMessage = value
                default: break
                }
            }
            if headers.endStream { finish() }
        case .data(let frame):
            if case .byteBuffer(let buffer) = frame.data, self.data.count < 65536 { self.data += Array(buffer.readableBytesView) }
            if frame.endStream { finish() }
        case .rstStream(let reset):
            promise.fail(HearthError(.unavailable, "stream reset (\(reset))"))
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HearthError(.unavailable, "the stream closed before an answer"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    private func finish() {
        answer.servingStatus = GRPCHealthAnswer.servingStatus(in: data)
        promise.succeed(answer)
    }
}
