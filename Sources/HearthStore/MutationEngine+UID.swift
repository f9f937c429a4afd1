import Foundation

extension MutationEngine {
    /// A new resource's `uid`: a random (version 4) UUID, in lowercase.
    ///
    /// `UUID()` here opens `/dev/urandom`, reads it and closes it on every call: three system
    /// calls and about 3 µs, on every create. The same 122 random bits come from the system
    /// generator (`getrandom`) without a file.
    static func newUID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: (UInt64, UInt64) = (generator.next(), generator.next())
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40  // version 4
            raw[8] = (raw[8] & 0x3F) | 0x80  // the RFC 4122 variant
        }
        // 16 bytes either way.
        return UUID(uuid: unsafeBitCast(bytes, to: uuid_t.self)).uuidString.lowercased()
    }
}
