import HearthCore
import HearthStore
import Hummingbird

/// A watch: the changes of one type (in one namespace, matching the filters) as Server-Sent
/// Events, from a revision on (see ``EventStream``). A client that gets 410 Gone lists again and
/// watches from the list's revision.
struct WatchStream: Sendable {
    let store: Store
    let options: ListOptions
    let heartbeat: Duration
    var draining: Draining? = nil

    func response(from requested: Int64?) async throws -> Response {
        let store = self.store
        let options = self.options
        return try await EventStream(
            feed: store.feed,
            revisions: { try await store.revisions() },
            backlog: { try await store.changes(after: $0, limit: EventStream<ChangeEvent>.backlogPage) },
            matches: { options.matches($0.object) },
            frame: { try Self.frame($0) },
            subject: options.type,
            draining: draining
        ).response(from: requested)
    }

    static func frame(_ event: ChangeEvent) throws -> ByteBuffer {
        try EventStream<ChangeEvent>.frame(
            revision: event.revision, kind: event.kind.rawValue, json: WatchEvent(type: event.kind.rawValue, revision: event.revision, object: event.object))
    }
}

/// The `data` of a watch event.
struct WatchEvent: Codable, Sendable {
    var type: String
    var revision: Int64
    var object: Resource
}
