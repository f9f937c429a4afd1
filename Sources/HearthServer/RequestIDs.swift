import Synchronization

/// Request ids: 32 hex digits, a random prefix chosen at start and a counter, so they are unique
/// across replicas and restarts without a system call per request.
enum RequestIDs {
    private static let prefix: UInt64 = .random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)
    private static let digits = Array("0123456789abcdef".utf8)

    static func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for (offset, value) in [(0, prefix), (16, count)] {
                for index in 0..<16 {
                    buffer[offset + index] = digits[Int((value >> (60 - 4 * UInt64(index))) & 0xF)]
                }
            }
            return 32
        }
    }
}
