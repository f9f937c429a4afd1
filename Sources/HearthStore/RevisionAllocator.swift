import HearthCore

/// Hands out store revisions within one write batch, for resources and, separately, for the
/// key-value store. The first use of each counter locks its row, so batches that use only one
/// (or neither: leases, compaction) do not serialize behind writers of the other.
///
/// Lock order, on every replica: the resource revision, then resource rows, then the KV revision.
/// Batches that write resources take the first lock before anything else (``lock()``); KV writes
/// take theirs when they first need it, which is always after.
final class RevisionAllocator {
    private let transaction: any StoreTransaction
    private(set) var current: Int64?
    private(set) var dirty = false
    private(set) var kvCurrent: Int64?
    private(set) var kvDirty = false
    /// The KV changes of the batch, in revision order, to publish once it commits.
    private(set) var kvEvents: [KVEvent] = []

    init(transaction: any StoreTransaction) {
        self.transaction = transaction
    }

    /// Takes the revision lock now, then the locks of `keys`' rows, which it reads ahead. Batches
    /// that write resources do this first, so that every writer takes its locks in the same order
    /// (revision, then rows) and replicas cannot deadlock.
    func lock(prefetching keys: [ResourceKey]) async throws {
        if current == nil { current = try await transaction.lockRevision(prefetching: keys) }
    }

    func next() async throws -> Int64 {
        let base: Int64
        if let current { base = current } else { base = try await transaction.lockRevision() }
        current = base + 1
        dirty = true
        return base + 1
    }

    /// Takes the KV revision lock now: a KV write does this before it reads, so that writers on
    /// other replicas cannot read the same keys in between.
    func lockKV() async throws {
        if kvCurrent == nil { kvCurrent = try await transaction.lockKVRevision() }
    }

    /// The next KV revision.
    func nextKV() async throws -> Int64 {
        let base: Int64
        if let kvCurrent { base = kvCurrent } else { base = try await transaction.lockKVRevision() }
        kvCurrent = base + 1
        kvDirty = true
        return base + 1
    }

    /// Records a KV change to publish after the commit.
    func logged(_ event: KVEvent) {
        kvEvents.append(event)
    }

    /// A point to go back to if the write that follows is refused.
    struct Mark {
        fileprivate let current: Int64?
        fileprivate let dirty: Bool
        fileprivate let kvCurrent: Int64?
        fileprivate let kvDirty: Bool
        fileprivate let kvEventCount: Int
    }

    /// For a refused write: forget revisions handed out since `mark`. By the engine's invariant a
    /// refused write wrote nothing, so this only guards the bookkeeping.
    func reset(to mark: Mark) {
        current = mark.current
        dirty = mark.dirty
        kvCurrent = mark.kvCurrent
        kvDirty = mark.kvDirty
        kvEvents.removeLast(kvEvents.count - mark.kvEventCount)
    }

    var mark: Mark { Mark(current: current, dirty: dirty, kvCurrent: kvCurrent, kvDirty: kvDirty, kvEventCount: kvEvents.count) }
}
