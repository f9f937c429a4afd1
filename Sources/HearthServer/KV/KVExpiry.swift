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
        let (store, interval) = (self.store, self.interval)
        await RepeatingJob.run(store: store, logger: logger, failure: "could not expire keys", level: .warning, pause: { interval }) {
            // A full batch means there may be more: go again at once.
            while try await store.kvExpire(limit: 1000) == 1000 {}
        }
    }
}
