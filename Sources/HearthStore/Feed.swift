import HearthCore
import Logging
import Metrics

/// Something a ``Feed`` carries: an entry of a change log, at its revision.
public protocol FeedEvent: Sendable {
    var revision: Int64 { get }
}

extension ChangeEvent: FeedEvent {}

/// The feed of resource changes.
public typealias ChangeFeed = Feed<ChangeEvent>

/// Fans committed changes out to watchers, in revision order, without gaps. The store keeps two:
/// resource changes (``ChangeEvent``) and key-value changes (``KVEvent``), each over its own
/// change log and revisions.
///
/// Local commits arrive through ``committed(_:)``; when they do not follow on from the last
/// published revision (another replica wrote in between), or when another replica announces a
/// commit, the feed reads the change log from its last revision instead. The log is the source
/// of truth; the in-memory fan-out is only a fast path.
public actor Feed<Event: FeedEvent> {
    private var lastRevision: Int64
    private var subscribers: [Int: FeedSubscription<Event>] = [:]
    private var nextID = 0
    private let readLog: @Sendable (Int64) async throws -> [Event]
    private let bufferLimit: Int
    private let logger: Logger
    private let openWatches: Gauge

    init(
        name: String, startRevision: Int64, bufferLimit: Int, logger: Logger,
        readLog: @escaping @Sendable (Int64) async throws -> [Event]
    ) {
        openWatches = Gauge(label: "hearth_open_watches", dimensions: [("feed", name)])
        lastRevision = startRevision
        self.bufferLimit = bufferLimit
        self.logger = logger
        self.readLog = readLog
    }

    /// The newest revision published to watchers.
    public var revision: Int64 { lastRevision }

    public var subscriberCount: Int { subscribers.count }

    public func subscribe() -> FeedSubscription<Event> {
        nextID += 1
        let subscription = FeedSubscription<Event>(id: nextID, limit: bufferLimit)
        subscribers[subscription.id] = subscription
        openWatches.record(subscribers.count)
        return subscription
    }

    public func unsubscribe(_ subscription: FeedSubscription<Event>) {
        subscription.continuation.finish()
        subscribers[subscription.id] = nil
        openWatches.record(subscribers.count)
    }

    func reset(to revision: Int64) {
        lastRevision = revision
    }

    /// Publishes this replica's own commit.
    func committed(_ events: [Event]) async {
        guard let first = events.first else { return }
        if first.revision == lastRevision + 1 {
            publish(events)
        } else if first.revision > lastRevision {
            await catchUp()
        }
    }

    /// ``catchUp()`` if `revision` has not been published yet.
    func catchUp(to revision: Int64) async {
        if revision > lastRevision { await catchUp() }
    }

    /// Reads and publishes whatever the change log has after the last published revision.
    func catchUp() async {
        do {
            while true {
                let events = try await readLog(lastRevision)
                let fresh = events.filter { $0.revision > lastRevision }
                if fresh.isEmpty { return }
                publish(fresh)
                if events.count < 500 { return }
            }
        } catch {
            logger.warning("could not read the change log", metadata: ["error": "\(error)"])
        }
    }

    func heartbeat() {
        for subscriber in subscribers.values where !subscriber.deliver(.heartbeat) {
            drop(subscriber)
        }
    }

    /// Ends every watch, for shutdown.
    func finishAll() {
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers.removeAll()
        openWatches.record(0)
    }

    private func publish(_ events: [Event]) {
        for event in events where event.revision > lastRevision {
            lastRevision = event.revision
            for subscriber in subscribers.values where !subscriber.deliver(.change(event)) {
                drop(subscriber)
            }
        }
    }

    private func drop(_ subscriber: FeedSubscription<Event>) {
        if subscriber.overflowed {
            logger.info("ended a watch that fell \(bufferLimit) events behind", metadata: ["watch": "\(subscriber.id)"])
        }
        subscribers[subscriber.id] = nil
        openWatches.record(subscribers.count)
    }
}
