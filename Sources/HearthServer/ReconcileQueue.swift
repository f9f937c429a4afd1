import DequeModule
import HearthCore
import Synchronization

/// The keys a controller has to look at. Keys due now wait in a FIFO (taking one is O(1));
/// keys waiting out a backoff wait in a dictionary until due. A key is queued at most once,
/// and a key being reconciled is not handed to a second worker: a change that arrives meanwhile
/// queues it again for after the current attempt.
final class ReconcileQueue: Sendable {
    private struct State {
        var ready: Deque<ResourceKey> = []
        var queued: Set<ResourceKey> = []
        var delayed: [ResourceKey: ContinuousClock.Instant] = [:]
        var inFlight: Set<ResourceKey> = []
        var failures: [ResourceKey: Int] = [:]
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    /// How long a sleeping worker may take to notice a key whose backoff ended.
    static let recheck: Duration = .milliseconds(100)

    func add(_ key: ResourceKey, after delay: Duration = .zero) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if delay > .zero {
                let due = ContinuousClock.now + delay
                if !state.queued.contains(key), (state.delayed[key].map { due < $0 } ?? true) { state.delayed[key] = due }
                return []
            }
            state.delayed[key] = nil
            if state.queued.insert(key).inserted { state.ready.append(key) }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var count: Int { state.withLock { $0.ready.count + $0.delayed.count } }

    /// Marks a key as done, so it can be handed out again. A failed attempt queues the key again
    /// after an exponential backoff: 100 ms, doubling per failure, at most 30 s.
    func done(_ key: ResourceKey, succeeded: Bool) {
        let failures = state.withLock { state -> Int in
            state.inFlight.remove(key)
            if succeeded {
                state.failures[key] = nil
                return 0
            }
            state.failures[key, default: 0] += 1
            return state.failures[key]!
        }
        if failures > 0 { add(key, after: Self.backoff(failures: failures)) }
    }

    static func backoff(failures: Int) -> Duration {
        .milliseconds(min(100 * (1 << min(failures - 1, 9)), 30_000))
    }

    /// The next key to reconcile; waits for one. Returns nil when the task is cancelled.
    func next() async -> ResourceKey? {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (key, sleepUntil) = state.withLock { state -> (ResourceKey?, ContinuousClock.Instant?) in
                // Backoffs that ended join the ready queue.
                if !state.delayed.isEmpty {
                    for (key, due) in state.delayed where due <= now {
                        state.delayed[key] = nil
                        if state.queued.insert(key).inserted { state.ready.append(key) }
                    }
                }
                var skipped: [ResourceKey] = []
                defer { state.ready.append(contentsOf: skipped) }
                while let key = state.ready.popFirst() {
                    if state.inFlight.contains(key) {
                        skipped.append(key)
                        continue
                    }
                    state.queued.remove(key)
                    state.inFlight.insert(key)
                    return (key, nil)
                }
                if !skipped.isEmpty || !state.delayed.isEmpty { return (nil, now + Self.recheck) }
                return (nil, nil)
            }
            if let key { return key }
            if let sleepUntil {
                try? await Task.sleep(until: sleepUntil, clock: .continuous)
                continue
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.ready.isEmpty || !state.delayed.isEmpty || Task.isCancelled { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    defer { state.waiters.removeAll() }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
            }
        }
        return nil
    }
}
