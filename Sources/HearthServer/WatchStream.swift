import Foundation
import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird
import ServiceLifecycle

/// A watch: the changes of one type (in one namespace, matching the filters) as Server-Sent
/// Events, from a revision on.
///
/// Each event carries its revision as the SSE `id`, so a client that reconnects with
/// `Last-Event-ID` (or `?revision=`) resumes exactly after the last event it saw. A revision
/// older than the change log's compaction point answers 410 Gone: list again and watch from
/// the list's revision. A watcher that falls `watchBufferLimit` events behind gets an `error`
/// event naming the revision to resume from, and its stream ends.
struct WatchStream: Sendable {
    let store: Store
    let options: ListOptions
    let heartbeat: Duration
    static let backlogPage = 500

    func response(from requested: Int64?) async throws -> Response {
        let subscription = await store.feed.subscribe()
        let start: Int64
        do {
            let (current, compacted) = try await store.revisions()
            if let requested, requested < compacted {
                throw HearthError(
                    .gone,
                    "revision \(requested) is older than the retained change log (compacted through \(compacted)); list again and watch from the list's revision")
            }
            start = requested ?? current
        } catch {
            await store.feed.unsubscribe(subscription)
            throw error
        }
        let store = self.store
        let options = self.options
        let headers: HTTPFields = [
            .contentType: "text/event-stream",
            .cacheControl: "no-cache",
            .init("X-Accel-Buffering")!: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var last = start
                do {
                    try await writer.write(ByteBuffer(string: ": watching \(options.type) after revision \(start)\n\n"))
                    // The backlog from the change log, then live changes; revisions dedupe the overlap.
                    while true {
                        let events = try await store.changes(after: last, limit: Self.backlogPage)
                        for event in events {
                            last = event.revision
                            if options.matches(event.object) { try await writer.write(try Self.frame(event)) }
                        }
                        if events.count < Self.backlogPage { break }
                    }
                    for await item in subscription.stream.cancelOnGracefulShutdown() {
                        switch item {
                        case .heartbeat:
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        case .change(let event):
                            guard event.revision > last else { continue }
                            last = event.revision
                            if options.matches(event.object) { try await writer.write(try Self.frame(event)) }
                        }
                    }
                    if subscription.overflowed {
                        let message = #"{"code":"too-slow","message":"the watch fell too far behind; reconnect with revision \#(last)","revision":\#(last)}"#
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(message)\n\n"))
                    }
                } catch {
                    await store.feed.unsubscribe(subscription)
                    throw error
                }
                await store.feed.unsubscribe(subscription)
                try await writer.finish(nil)
            })
    }

    static func frame(_ event: ChangeEvent) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "id: \(event.revision)\nevent: \(event.kind.rawValue)\ndata: ")
        var payload = try JSONResponse.encode(WatchEvent(type: event.kind.rawValue, revision: event.revision, object: event.object))
        buffer.writeBuffer(&payload)
        buffer.writeString("\n\n")
        return buffer
    }
}

/// The `data` of a watch event.
struct WatchEvent: Codable, Sendable {
    var type: String
    var revision: Int64
    var object: Resource
}
