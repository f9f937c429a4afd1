import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird
import ServiceLifecycle

/// Changes from a ``Feed`` as Server-Sent Events, from a revision on: the backlog from the change
/// log, then live changes, with revisions deduplicating the overlap.
///
/// Each event carries its revision as the SSE `id`, so a client that reconnects with it resumes
/// exactly after the last event it saw. A revision older than the log's compaction point answers
/// 410 Gone. A watcher that falls the feed's buffer behind gets an `error` event naming the
/// revision to resume from, and its stream ends.
struct EventStream<Event: FeedEvent>: Sendable {
    let feed: Feed<Event>
    /// The log's current and compacted revisions.
    let revisions: @Sendable () async throws -> (current: Int64, compacted: Int64)
    /// A page of the log after a revision.
    let backlog: @Sendable (Int64) async throws -> [Event]
    let matches: @Sendable (Event) -> Bool
    let frame: @Sendable (Event) throws -> ByteBuffer
    /// What is watched, for the opening comment and the 410 message.
    let subject: String
    /// When the server begins to stop, the stream ends (the client reconnects with the last id).
    var draining: Draining? = nil
    static var backlogPage: Int { 500 }

    func response(from requested: Int64?) async throws -> Response {
        let subscription = await feed.subscribe()
        let start: Int64
        do {
            let (current, compacted) = try await revisions()
            if let requested, requested < compacted {
                throw HearthError(
                    .gone,
                    "revision \(requested) is older than the retained change log (compacted through \(compacted)); read again and watch from the index it answers")
            }
            start = requested ?? current
        } catch {
            await feed.unsubscribe(subscription)
            throw error
        }
        let headers: HTTPFields = [
            .contentType: "text/event-stream",
            .cacheControl: "no-cache",
            .init("X-Accel-Buffering")!: "no",
        ]
        let stream = self
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var last = start
                do {
                    try await writer.write(ByteBuffer(string: ": watching \(stream.subject) after revision \(start)\n\n"))
                    while true {
                        let events = try await stream.backlog(last)
                        for event in events {
                            last = event.revision
                            if stream.matches(event) { try await writer.write(try stream.frame(event)) }
                        }
                        if events.count < Self.backlogPage { break }
                    }
                    // Live changes until the server begins to stop (or the watcher falls behind).
                    let drained = stream.draining?.onDrain { subscription.end() }
                    defer { stream.draining?.remove(drained) }
                    for await item in subscription.stream {
                        switch item {
                        case .heartbeat:
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        case .change(let event):
                            guard event.revision > last else { continue }
                            last = event.revision
                            if stream.matches(event) { try await writer.write(try stream.frame(event)) }
                        }
                    }
                    if subscription.overflowed {
                        let message = #"{"code":"too-slow","message":"the watch fell too far behind; reconnect with revision \#(last)","revision":\#(last)}"#
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(message)\n\n"))
                    }
                } catch {
                    await stream.feed.unsubscribe(subscription)
                    throw error
                }
                await stream.feed.unsubscribe(subscription)
                try await writer.finish(nil)
            })
    }

    /// The revision a watch starts after: `?revision=N`, or the `Last-Event-ID` a reconnecting
    /// SSE client sends; nil for "from now".
    static func requestedRevision(_ request: Request) throws -> Int64? {
        let text = request.uri.queryParameters["revision"].map(String.init) ?? request.headers[.init("Last-Event-ID")!]
        guard let text, !text.isEmpty else { return nil }
        guard let revision = Int64(text), revision >= 0 else {
            throw HearthError(.badRequest, "revision must be a non-negative integer, not '\(text)'")
        }
        return revision
    }

    /// An SSE frame: the revision as `id`, the kind as `event`, the JSON as `data`.
    static func frame(revision: Int64, kind: String, json: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "id: \(revision)\nevent: \(kind)\ndata: ")
        var payload = try JSONResponse.encode(json)
        buffer.writeBuffer(&payload)
        buffer.writeString("\n\n")
        return buffer
    }
}
