import HearthCore
import HearthStore
import ServiceLifecycle
import Synchronization

/// The blocking reads of the key-value store: callers waiting for a key, or anything under a
/// prefix, to change after an index.
///
/// One subscription to the store's KV feed serves every waiter: each change wakes only the waiters
/// of its key (a dictionary lookup) and of the prefixes of its namespace, so ten thousand callers
/// blocked on different keys cost a change nothing. A waiter costs its entry here and the
/// suspended request; it holds no buffer of changes.
///
/// Waiting is race-free by registering before looking: the handler registers, then reads the
/// key's index from the store; a change committed after the registration wakes it, one committed
/// before shows in the index. A waiter may wake without a change of its own (the feed overflowed,
/// or shutdown): callers answer with what is stored, as a blocking query may always do.
final class KVWaiters: Service, Sendable {
    private struct Waiter {
        let slot: String
        /// The prefix, for a prefix waiter (its slot is the namespace).
        let prefix: String?
        let after: Int64
        var continuation: CheckedContinuation<Void, Never>?
        /// A change came before the caller started waiting.
        var fired = false
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        /// Ids of the waiters on one key, by `namespace\u{0}key`.
        var keys: [String: Set<Int>] = [:]
        /// Ids of the waiters on prefixes, by namespace.
        var prefixes: [String: Set<Int>] = [:]
        var nextID = 0
        var stopped = false

        /// Takes a waiter out of the indexes (it stays in `waiters` if it has not started waiting).
        mutating func unindex(_ id: Int, _ waiter: Waiter) {
            if waiter.prefix != nil {
                prefixes[waiter.slot]?.remove(id)
                if prefixes[waiter.slot]?.isEmpty == true { prefixes[waiter.slot] = nil }
            } else {
                keys[waiter.slot]?.remove(id)
                if keys[waiter.slot]?.isEmpty == true { keys[waiter.slot] = nil }
            }
        }

        /// Fires a waiter: its continuation if it is waiting, else a mark for when it starts.
        mutating func fire(_ id: Int) -> CheckedContinuation<Void, Never>? {
            guard var waiter = waiters[id] else { return nil }
            unindex(id, waiter)
            if let continuation = waiter.continuation {
                waiters[id] = nil
                return continuation
            }
            waiter.fired = true
            waiters[id] = waiter
            return nil
        }
    }

    private let store: Store
    private let state = Mutex(State())

    /// Parked reads end when the server begins to stop.
    let draining: Draining

    init(store: Store, draining: Draining) {
        self.draining = draining
        self.store = store
    }

    /// A registration: pass it to ``wait(_:timeout:)`` or ``cancel(_:)`` exactly once.
    struct Ticket: Sendable {
        fileprivate let id: Int
    }

    /// Registers interest in changes to `key` (or under it, with `prefix`) after `after`. Register
    /// first, then read the index: no change can fall in between.
    func register(namespace: String, key: String, prefix: Bool, after: Int64) -> Ticket {
        state.withLock { state in
            state.nextID += 1
            let id = state.nextID
            if prefix {
                state.waiters[id] = Waiter(slot: namespace, prefix: key, after: after)
                state.prefixes[namespace, default: []].insert(id)
            } else {
                let slot = Self.slot(namespace, key)
                state.waiters[id] = Waiter(slot: slot, prefix: nil, after: after)
                state.keys[slot, default: []].insert(id)
            }
            return Ticket(id: id)
        }
    }

    /// Forgets a registration without waiting.
    func cancel(_ ticket: Ticket) {
        state.withLock { state in
            if let waiter = state.waiters.removeValue(forKey: ticket.id) { state.unindex(ticket.id, waiter) }
        }
    }

    /// Waits until a change the ticket names, the timeout, or shutdown.
    func wait(_ ticket: Ticket, timeout: Duration) async {
        await TimedWait.suspend(
            timeout: timeout,
            draining: draining,
            park: { continuation in
                self.state.withLock { state -> Bool in
                    guard var waiter = state.waiters[ticket.id], !waiter.fired, !state.stopped else {
                        if let waiter = state.waiters.removeValue(forKey: ticket.id) { state.unindex(ticket.id, waiter) }
                        return true
                    }
                    waiter.continuation = continuation
                    state.waiters[ticket.id] = waiter
                    return false
                }
            },
            release: {
                let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                    guard let waiter = state.waiters.removeValue(forKey: ticket.id) else { return nil }
                    state.unindex(ticket.id, waiter)
                    return waiter.continuation
                }
                continuation?.resume()
            })
    }

    /// Wakes the waiters a change concerns.
    func deliver(_ event: KVEvent) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var ids: [Int] = []
            for id in state.keys[Self.slot(event.namespace, event.key)] ?? [] where (state.waiters[id]?.after ?? .max) < event.revision {
                ids.append(id)
            }
            for id in state.prefixes[event.namespace] ?? [] {
                guard let waiter = state.waiters[id], waiter.after < event.revision, let prefix = waiter.prefix,
                    KVKey.key(event.key, hasPrefix: prefix)
                else { continue }
                ids.append(id)
            }
            return ids.compactMap { state.fire($0) }
        }
        for continuation in ready { continuation.resume() }
    }

    /// Wakes everyone: they answer with what is stored.
    private func wakeAll(stopping: Bool) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if stopping { state.stopped = true }
            return Array(state.waiters.keys).compactMap { state.fire($0) }
        }
        for continuation in ready { continuation.resume() }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var subscription = await self.store.kvFeed.subscribe()
            while !Task.isCancelled {
                for await item in subscription.stream {
                    if case .change(let event) = item { self.deliver(event) }
                }
                // The feed dropped us (we fell behind) or is shutting down. Subscribe again before
                // waking everyone, so nobody misses a change.
                let next = await self.store.kvFeed.subscribe()
                await self.store.kvFeed.unsubscribe(subscription)
                subscription = next
                self.wakeAll(stopping: false)
            }
            await self.store.kvFeed.unsubscribe(subscription)
        }
        wakeAll(stopping: true)
    }

    private static func slot(_ namespace: String, _ key: String) -> String {
        namespace + "\u{0}" + key
    }
}
