@testable import HearthServer
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// The peer address the audit trail records, formatted without `inet_ntop`, reads as NIO's.
@Suite("Source address")
struct SourceAddressTests {
    @Test("IPv4 addresses read as SocketAddress.ipAddress reads them", arguments: ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.200.3.7", "192.168.0.254"])
    func dottedQuad(_ text: String) throws {
        let address = try SocketAddress(ipAddress: text, port: 443)
        guard case .v4(let v4) = address else {
            Issue.record("\(text) is not IPv4")
            return
        }
        #expect(HearthRequestContext.dottedQuad(v4.address.sin_addr.s_addr) == address.ipAddress)
        #expect(HearthRequestContext.dottedQuad(v4.address.sin_addr.s_addr) == text)
    }
}
