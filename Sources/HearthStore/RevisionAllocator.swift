/// Hands out store revisions within one write batch. The first use locks the store's revision
/// row, so batches without resource writes (leases, compaction) do not serialize behind writers.
final class RevisionAllocator {
    private let transaction: any StoreTransaction
    private(set) var current: Int64?
    private(set) var dirty = false

    init(transaction: any StoreTransaction) {
        self.transaction = transaction
    }

    /// Takes the revision lock now. Batches that write resources do this first, so that every
    /// writer takes its locks in the same order (revision, then rows) and replicas cannot deadlock.
    func lock() async throws {
        if current == nil { current = try await transaction.lockRevision() }
    }

    func next() async throws -> Int64 {
        let base: Int64
        if let current { base = current } else { base = try await transaction.lockRevision() }
        current = base + 1
        dirty = true
        return base + 1
    }

    /// For a refused mutation: forget revisions handed out since `mark`. By the engine's
    /// invariant a refused mutation wrote nothing, so this only guards the bookkeeping.
    func reset(to mark: (Int64?, Bool)) {
        current = mark.0
        dirty = mark.1
    }

    var mark: (Int64?, Bool) { (current, dirty) }
}
