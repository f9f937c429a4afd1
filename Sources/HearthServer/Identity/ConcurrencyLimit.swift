import Synchronization

/// At most `limit` pieces of work at once; the rest wait their turn, first come first served.
///
/// For password hashing: one scrypt derivation takes 32 MiB and tens of milliseconds of CPU, on
/// a thread of its own. Unbounded, a burst of logins or user creations (or a test suite that
/// starts dozens of servers) starts as many threads, multiplies the memory and starves every
/// other request of CPU; bounded by the cores, the burst queues and everything else keeps going.
final class ConcurrencyLimit: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    func run<T: Sendable>(_ work: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await work()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
