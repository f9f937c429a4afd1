/// The suspension of a blocking query: parks the caller on a continuation that a registry of
/// waiters keeps, until that registry resumes it, the timeout ends, the server begins to stop
/// (``Draining``), or the task is cancelled.
enum TimedWait {
    /// `park` stores the continuation and returns false, or returns true to go on at once (it is
    /// then resumed here). `release` takes the continuation back out of the registry, if it is
    /// still there, and resumes it: it runs when the timeout ends or the task is cancelled.
    static func suspend(
        timeout: Duration,
        draining: Draining? = nil,
        park: @escaping @Sendable (CheckedContinuation<Void, Never>) -> Bool,
        release: @escaping @Sendable () -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        if park(continuation) { continuation.resume() }
                    }
                } onCancel: {
                    release()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            if let draining { group.addTask { await draining.wait() } }
            await group.next()
            group.cancelAll()
        }
    }
}
