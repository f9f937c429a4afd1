import HearthCore
import HearthStore
import Logging

extension Store {
    /// Keeps an in-memory view current: subscribes to the change feed, calls `load` (a full read),
    /// then `apply` for every change committed after, until the task is cancelled. When the feed
    /// ends the subscription (the view fell too far behind) or loading fails, it starts over.
    func follow(
        _ view: String, logger: Logger, load: () async throws -> Void, apply: (ChangeEvent) -> Void
    ) async {
        while !Task.isCancelled {
            let subscription = await feed.subscribe()
            do {
                try await load()
                for await item in subscription.stream {
                    guard case .change(let event) = item else { continue }
                    apply(event)
                }
            } catch {
                if !Task.isCancelled { logger.warning("\(view): reload failed", metadata: ["error": "\(error)"]) }
            }
            await feed.unsubscribe(subscription)
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
