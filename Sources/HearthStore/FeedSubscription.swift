import HearthCore
import Synchronization

/// A subscriber of the resource change feed.
public typealias WatchSubscription = FeedSubscription<ChangeEvent>

/// One subscriber of a ``Feed``: a bounded buffer of committed changes.
///
/// If the subscriber falls `limit` events behind, the feed ends its stream and sets
/// ``overflowed``; the watcher then tells its client to resume from the last revision it got,
/// which the change log serves. A slow reader therefore costs at most `limit` buffered events.
public final class FeedSubscription<Event: FeedEvent>: Sendable {
    public enum Item: Sendable {
        case change(Event)
        case heartbeat
    }

    public let id: Int
    public let stream: AsyncStream<Item>
    let continuation: AsyncStream<Item>.Continuation
    private let overflow = Atomic<Bool>(false)

    init(id: Int, limit: Int) {
        self.id = id
        (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(limit))
    }

    /// Ends the stream (the subscriber stops reading after what is buffered), as when the server
    /// begins to stop.
    public func end() {
        continuation.finish()
    }

    /// True when the stream ended because the subscriber read too slowly.
    public var overflowed: Bool { overflow.load(ordering: .acquiring) }

    /// Delivers an item; returns false if the subscriber overflowed and was ended.
    func deliver(_ item: Item) -> Bool {
        switch continuation.yield(item) {
        case .enqueued: return true
        case .dropped:
            overflow.store(true, ordering: .releasing)
            continuation.finish()
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }
}
