#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses textual IPv4 and IPv6 addresses into their network-order bytes.
public enum IPAddressBytes {
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// True for 127.0.0.0/8, ::1, IPv4-mapped 127.0.0.0/8 (`::ffff:127.0.0.1`) and `localhost`.
    public static func isLoopback(_ text: String) -> Bool {
        guard let bytes = parse(text) else { return text == "localhost" }
        if bytes.count == 4 { return bytes[0] == 127 }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return bytes[12] == 127 }
        return bytes == Array(repeating: 0, count: 15) + [1]
    }
}
