import ServiceLifecycle
import Synchronization

/// The moment the server begins to stop, for answers that would otherwise outlive it: watches
/// (SSE) and blocking reads end when it comes, so the HTTP server's graceful shutdown, which waits
/// for every answer in flight, is not held up by a watch that never ends or a read parked for
/// minutes (the clients reconnect, to this server once it is back or to another replica).
///
/// ``fire()`` is called once: by ``DrainService`` at SIGTERM/SIGINT (it stands after the
/// application in the server's service group, so it hears of the shutdown first), or by
/// ``HearthServer/drain()``.
public final class Draining: Sendable {
    private struct State {
        var fired = false
        var next: UInt64 = 0
        var actions: [UInt64: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public var hasBegun: Bool { state.withLock { $0.fired } }

    /// Begins draining: runs every registered action, once.
    public func fire() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.actions.removeAll() }
            return Array(state.actions.values)
        }
        for action in actions { action() }
    }

    /// Runs `action` when draining begins (at once if it has); nil when it ran at once, else a
    /// token for ``remove(_:)``.
    func onDrain(_ action: @escaping @Sendable () -> Void) -> UInt64? {
        let token = state.withLock { state -> UInt64? in
            guard !state.fired else { return nil }
            state.next += 1
            state.actions[state.next] = action
            return state.next
        }
        if token == nil { action() }
        return token
    }

    /// Forgets an action that has not run; returns it if it had not.
    @discardableResult
    func remove(_ token: UInt64?) -> (@Sendable () -> Void)? {
        guard let token else { return nil }
        return state.withLock { $0.actions.removeValue(forKey: token) }
    }

    /// Returns once draining begins, or when the task is cancelled.
    func wait() async {
        let token = Mutex<UInt64?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = onDrain { continuation.resume() }
                token.withLock { $0 = registered }
                // Cancelled before the token was known: the handler found nothing to remove.
                if registered != nil, Task.isCancelled, let action = remove(registered) { action() }
            }
        } onCancel: {
            if let action = remove(token.withLock { $0 }) { action() }
        }
    }
}

/// Fires ``Draining`` when the service group begins a graceful shutdown. Placed after the
/// application in the group, so it is told first (a group stops its services in reverse order).
struct DrainService: Service {
    let draining: Draining

    func run() async throws {
        try? await gracefulShutdown()
        draining.fire()
    }
}
