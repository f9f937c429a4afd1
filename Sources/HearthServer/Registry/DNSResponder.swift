import HearthCore
import HearthDNS
import Metrics
import Synchronization

/// Turns a query's bytes into the answer's bytes: parse, answer from the catalog, size the answer
/// to what the transport carries. Malformed queries get FORMERR when they have a header to answer,
/// and names outside every zone get REFUSED (or go to the upstream resolvers when configured).
struct DNSResponder: Sendable {
    enum Transport: Sendable { case udp, tcp }

    enum Outcome: Sendable {
        case reply([UInt8])
        /// Not ours: send the query bytes to an upstream resolver.
        case forward(DNSMessage)
        /// Not worth an answer (too short for a header, or itself a response).
        case drop
    }

    /// The UDP payload size Hearth advertises and answers within (RFC 9715's safe size).
    static let udpPayloadSize: UInt16 = 1232

    let catalog: DNSCatalog
    let forwarding: Bool
    let queries = Counter(label: "hearth_dns_queries_total")
    let malformed = Counter(label: "hearth_dns_malformed_total")

    func respond(to bytes: [UInt8], transport: Transport) -> Outcome {
        queries.increment()
        let query: DNSMessage
        do {
            query = try DNSMessage.parse(bytes)
        } catch {
            malformed.increment()
            return Self.formatError(bytes)
        }
        if query.isResponse { return .drop }
        var generator = SplitMix64(seed: Self.seeds.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)
        guard var answer = catalog.authority.answer(query, using: &generator) else {
            if forwarding { return .forward(query) }
            var refused = query.makeResponse()
            refused.rcode = .refused
            return .reply(Self.finish(&refused, query: query, transport: transport))
        }
        return .reply(Self.finish(&answer, query: query, transport: transport))
    }

    /// Seeds of the per-query generators that shuffle address answers: shuffling needs spread,
    /// not secrecy, and the system generator would cost more than the rest of the answer.
    private static let seeds = Atomic<UInt64>(UInt64(truncatingIfNeeded: ContinuousClock.now.hashValue))

    /// The answer's bytes, truncated to what the transport and the client's EDNS size allow.
    static func finish(_ answer: inout DNSMessage, query: DNSMessage, transport: Transport) -> [UInt8] {
        if query.edns != nil {
            if answer.edns == nil { answer.edns = EDNS(udpPayloadSize: udpPayloadSize) }
            answer.edns?.udpPayloadSize = udpPayloadSize
        } else {
            answer.edns = nil
        }
        return answer.serialize(maxSize: maxSize(query: query, transport: transport))
    }

    static func maxSize(query: DNSMessage, transport: Transport) -> Int {
        switch transport {
        case .tcp: return 65535
        case .udp:
            guard let edns = query.edns else { return 512 }
            return Int(min(max(edns.udpPayloadSize, 512), udpPayloadSize))
        }
    }

    /// FORMERR for a message with a readable header; nothing for less.
    static func formatError(_ bytes: [UInt8]) -> Outcome {
        guard bytes.count >= 12, bytes[2] & 0x80 == 0 else { return .drop }
        // Header only: the same id and opcode, QR set, RCODE 1, no records.
        var header = [UInt8](repeating: 0, count: 12)
        header[0] = bytes[0]
        header[1] = bytes[1]
        header[2] = 0x80 | (bytes[2] & 0x79)
        header[3] = 0x01
        return .reply(header)
    }
}

