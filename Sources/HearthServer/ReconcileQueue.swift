import HearthCore
import Synchronization

/// The keys a controller has to look at, each with the earliest time to do so. Adding a key
/// that is already queued keeps the earlier time, so bursts of changes coalesce.
final class ReconcileQueue: Sendable {
    private struct State {
        var pending: [ResourceKey: ContinuousClock.Instant] = [:]
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// How long a sleeping worker may take to notice a key added while it waits for a retry.
    static let recheck: Duration = .milliseconds(100)

    func add(_ key: ResourceKey, after delay: Duration = .zero) {
        let due = ContinuousClock.now + delay
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let existing = state.pending[key], existing <= due { return nil }
            state.pending[key] = due
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    var count: Int { state.withLock { $0.pending.count } }

    /// The next due key; waits for one. Returns nil when the task is cancelled.
    func next() async -> ResourceKey? {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (due, earliest) = state.withLock { state -> (ResourceKey?, ContinuousClock.Instant?) in
                guard let first = state.pending.min(by: { $0.value < $1.value }) else { return (nil, nil) }
                if first.value <= now {
                    state.pending[first.key] = nil
                    return (first.key, nil)
                }
                return (nil, first.value)
            }
            if let due { return due }
            if let earliest {
                try? await Task.sleep(until: min(earliest, now + Self.recheck), clock: .continuous)
                continue
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.pending.isEmpty || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
        return nil
    }
}
