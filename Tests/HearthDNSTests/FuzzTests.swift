import HearthCore
import Testing

@testable import HearthDNS

/// Randomized robustness: mutated messages must either be refused or parse into a message that
/// writes out and parses back (to the same message when nothing had to be cut). The libFuzzer
/// harness in Fuzz/DNSParser checks the same property with coverage guidance (scripts/fuzz-dns).
@Suite("Randomized parsing")
struct FuzzTests {
    /// Valid messages to start from: dig's queries and responses with every kind of data.
    static func seeds() -> [[UInt8]] {
        var seeds = [MessageParseTests.digQuery, MessageParseTests.digQueryNoEDNS]
        let authority = TestZones.authority()
        var generator = SplitMix64(seed: 7)
        for (qname, type) in [
            ("www.example.org", DNSType.a), ("example.org", .any), ("chain1.example.org", .aaaa), ("nope.example.org", .a),
            ("_http._tcp.svc.example.org", .srv), ("www.sub.example.org", .a), ("example.org", .ns),
        ] {
            let query = DNSMessage.query(id: 1, name: name(qname), type: type)
            if let response = authority.answer(query, using: &generator) { seeds.append(response.serialize()) }
        }
        let owner = name("x.example.org.")
        let all = DNSMessage(
            id: 3, isResponse: true, questions: [DNSQuestion(name: owner, type: .any)],
            answers: RecordDataTests.samples.map { DNSRecord(name: owner, ttl: 1, data: $0.0) },
            authorities: [DNSRecord(name: owner, class: .any, ttl: 0, data: .unknown(type: .a, rdata: []))],
            edns: EDNS(options: [EDNSOption(code: 10, data: [1, 2, 3, 4, 5, 6, 7, 8])]))
        seeds.append(all.serialize())
        return seeds
    }

    static func mutate(_ input: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &generator)
        for _ in 0..<rounds {
            let choice = Int.random(in: 0..<8, using: &generator)
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch choice {
            case 0 where !bytes.isEmpty:
                bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 1 where !bytes.isEmpty:
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
            case 3 where !bytes.isEmpty:
                bytes.remove(at: index)
            case 4 where bytes.count > 1:
                // A compression pointer anywhere, to anywhere.
                bytes[index] = 0xC0 | UInt8.random(in: 0...1, using: &generator)
                if index + 1 < bytes.count { bytes[index + 1] = UInt8.random(in: 0...255, using: &generator) }
            case 5 where bytes.count >= 12:
                // A count in the header.
                let count = 4 + 2 * Int.random(in: 0..<4, using: &generator)
                bytes[count + 1] = UInt8.random(in: 0...8, using: &generator)
            case 6:
                bytes.removeLast(min(bytes.count, Int.random(in: 0...8, using: &generator)))
            default:
                // Copy a run of bytes from one place to another.
                guard bytes.count > 4 else { continue }
                let length = Int.random(in: 1...min(16, bytes.count - 1), using: &generator)
                let from = Int.random(in: 0...(bytes.count - length), using: &generator)
                let to = Int.random(in: 0...(bytes.count - length), using: &generator)
                let run = Array(bytes[from..<(from + length)])
                bytes.replaceSubrange(to..<(to + length), with: run)
            }
        }
        return bytes
    }

    /// Checks the property for one input; returns a description of the failure, if any.
    static func check(_ bytes: [UInt8]) -> String? {
        guard let message = try? DNSMessage.parse(bytes) else { return nil }
        let written = message.serialize()
        let again: DNSMessage
        do {
            again = try DNSMessage.parse(written)
        } catch {
            return "re-parse failed: \(error)"
        }
        let complete =
            again.answers.count == message.answers.count && again.authorities.count == message.authorities.count
            && again.additionals.count == message.additionals.count && again.truncated == message.truncated
        if complete, again != message { return "re-parsed message differs" }
        // A small limit must also give a parseable message.
        guard (try? DNSMessage.parse(message.serialize(maxSize: 512))) != nil else { return "512-byte version does not parse" }
        return nil
    }

    @Test("200,000 mutated messages: refused, or written back and parsed again")
    func mutations() {
        let seeds = Self.seeds()
        var generator = SplitMix64(seed: 2024)
        var parsed = 0
        var failures: [String] = []
        for iteration in 0..<200_000 {
            let seed = seeds[iteration % seeds.count]
            let input = Self.mutate(seed, using: &generator)
            if let failure = Self.check(input) {
                if failures.count < 5 { failures.append("\(failure): \(DNSRecordData.hex(input))") }
            }
            if (try? DNSMessage.parse(input)) != nil { parsed += 1 }
        }
        #expect(failures.isEmpty, "\(failures)")
        // The mutations are mild enough that many inputs still parse, so both paths are exercised.
        #expect(parsed > 10_000)
    }

    @Test("random bytes never crash the parser")
    func randomBytes() {
        var generator = SplitMix64(seed: 99)
        var failures: [String] = []
        for _ in 0..<20_000 {
            let count = Int.random(in: 0..<200, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count >= 12 {
                // Small counts so that some get past the header.
                for index in [4, 6, 8, 10] {
                    bytes[index] = 0
                    bytes[index + 1] &= 3
                }
            }
            if let failure = Self.check(bytes), failures.count < 5 { failures.append("\(failure): \(DNSRecordData.hex(bytes))") }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
