// libFuzzer harness for the DNS wire-format parser and the authority (run by scripts/fuzz-dns).
//
// For every input: parsing either throws or gives a message that writes out (in full and cut to
// 512 bytes) and parses back, to the same message when nothing had to be cut. Parsed queries are
// also answered from a small zone, and the answer must write out and parse back. Any trap or
// failed check is a finding.
import HearthCore
import HearthDNS

let authority: DNSAuthority = {
    do throws(DNSError) {
        let origin = try DNSName("example.org")
        func data(_ text: String, _ type: DNSType) throws(DNSError) -> DNSRecordData {
            try DNSRecordData.parse(presentation: text, type: type, origin: origin)
        }
        var zone = DNSZone(
            origin: origin,
            soa: DNSSOA(mname: try DNSName("ns1.example.org"), rname: try DNSName("hostmaster.example.org"), serial: 1),
            nameservers: [try DNSName("ns1.example.org")])
        let records: [(String, DNSType, String)] = [
            ("ns1", .a, "192.0.2.53"), ("www", .a, "192.0.2.1"), ("www", .a, "192.0.2.2"), ("www", .aaaa, "2001:db8::1"),
            ("alias", .cname, "www"), ("loop", .cname, "loop"), ("@", .mx, "10 mail"), ("mail", .a, "192.0.2.25"),
            ("_sip._udp", .srv, "1 2 5060 www"), ("sub", .ns, "ns.sub"), ("ns.sub", .a, "192.0.2.99"), ("*.wild", .txt, "\"w\""),
            ("@", .caa, "0 issue \"letsencrypt.org\""), ("a.b.c", .txt, "deep"),
        ]
        for (owner, type, text) in records {
            let name = owner == "@" ? origin : try DNSName(owner).appending(origin)
            try zone.add(DNSRecord(name: name, ttl: 300, data: try data(text, type)))
        }
        return DNSAuthority(zones: [zone])
    } catch {
        fatalError("the fuzzing zone does not build: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? DNSMessage.parse(bytes) else { return 0 }

    let written = message.serialize()
    guard let again = try? DNSMessage.parse(written) else { fatalError("a parsed message does not parse back once written") }
    let complete =
        again.answers.count == message.answers.count && again.authorities.count == message.authorities.count
        && again.additionals.count == message.additionals.count && again.truncated == message.truncated
    if complete, again != message { fatalError("a parsed message parses back differently once written") }
    guard (try? DNSMessage.parse(message.serialize(maxSize: 512))) != nil else {
        fatalError("a parsed message cut to 512 bytes does not parse")
    }

    var generator = SplitMix64(seed: UInt64(size))
    if let response = authority.answer(message, using: &generator) {
        let limit = message.maxUDPResponseSize()
        let wire = response.serialize(maxSize: limit)
        guard (try? DNSMessage.parse(wire)) != nil else { fatalError("an answer does not parse back once written") }
        guard wire.count <= limit else { fatalError("an answer is over the size limit: \(wire.count) > \(limit)") }
    }
    return 0
}
