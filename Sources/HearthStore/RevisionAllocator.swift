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

    /// For savepoint rollback: forget revisions handed out since `mark`. When nothing was handed
    /// out before `mark`, the rollback also undid the lock of the revision row (and PostgreSQL
    /// released it), so the next write must lock and read it again.
    func reset(to mark: (Int64?, Bool)) {
        current = mark.0
        dirty = mark.1
    }

    var mark: (Int64?, Bool) { (current, dirty) }
}
