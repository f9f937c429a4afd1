/// Picks instances in proportion to their weights: the selection helper for clients of the
/// discovery API (DNS SRV answers carry the same weights for resolvers that honour them).
///
/// ```swift
/// var selection = WeightedSelection(instances.map { ($0, $0.weight) })
/// let target = selection.pick(using: &generator)   // weight 3 is picked 3x as often as weight 1
/// ```
/// Weights below 1 count as 1. Each pick is independent (with replacement); O(log n) per pick.
public struct WeightedSelection<Element: Sendable>: Sendable {
    private let elements: [Element]
    /// Running sums of the weights.
    private let cumulative: [Int]

    public init(_ weighted: [(Element, Int)]) {
        elements = weighted.map(\.0)
        var sum = 0
        cumulative = weighted.map { sum += max(1, $0.1); return sum }
    }

    public var isEmpty: Bool { elements.isEmpty }

    public func pick(using generator: inout some RandomNumberGenerator) -> Element? {
        guard let total = cumulative.last else { return nil }
        let point = Int.random(in: 0..<total, using: &generator)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > point { high = mid } else { low = mid + 1 }
        }
        return elements[low]
    }

    public func pick() -> Element? {
        var generator = SystemRandomNumberGenerator()
        return pick(using: &generator)
    }
}
