import HearthStore
import Logging
import ServiceLifecycle

/// What a service runs again and again once the store is ready, until the server stops: a pass,
/// then a pause. A failed pass is logged and the next one tries again; cancellation and the
/// graceful shutdown end it. (A store that never becomes ready ends it too: the store's own
/// service reports that failure.)
enum RepeatingJob {
    static func run(
        store: Store, logger: Logger, failure: @autoclosure @escaping @Sendable () -> Logger.Message, level: Logger.Level = .error,
        pause: @escaping @Sendable () -> Duration, pass: @escaping @Sendable () async throws -> Void
    ) async {
        do {
            try await store.waitUntilReady()
        } catch {
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await pass()
                } catch is CancellationError {
                    return
                } catch {
                    logger.log(level: level, failure(), metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: pause())
            }
        }
    }
}
