import Foundation

extension MutationEngine {
    /// A new resource's `uid`: a random (version 4) UUID, in lowercase.
    ///
    /// `UUID()` here opens `/dev/urandom`, reads it and closes it on every call: three system
    /// calls and about 3 µs, on every create. The same 122 random bits come from the system
    /// generator (`getrandom`) without a file.
    static func newUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let high: UInt64 = generator.next(), low: UInt64 = generator.next()
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (index * 8))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (index * 8))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // the RFC 4122 variant
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        return uuid.uuidString.lowercased()
    }
}
