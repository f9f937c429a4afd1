import HearthStore
import Logging
import ServiceLifecycle

/// Deletes keys whose TTL has run out, about once a second, so that their watchers and blocking
/// readers hear of it (reads already treat them as gone). Each replica runs it; the deletions
/// serialize on the KV lock, so they never clash.
struct KVExpiry: Service {
    let store: Store
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        try await store.waitUntilReady()
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // A full batch means there may be more: go again at once.
                    while try await store.kvExpire(limit: 1000) == 1000 {}
                } catch {
                    logger.warning("could not expire keys", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
