/// Comparisons whose running time does not depend on where two secrets first differ.
public enum ConstantTime {
    /// True when `lhs` and `rhs` hold the same bytes. The time taken depends only on the lengths,
    /// which are not secret (digests and derived keys have fixed sizes).
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
