import AsyncHTTPClient
import Foundation
import HearthClient
import HearthCore
import HearthTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Watches")
struct WatchAPITests {
    /// Reads events from a watch until `count` have arrived.
    static func collect(_ api: APIFixture, _ path: String, count: Int) async throws -> [ServerSentEvent] {
        let port = try #require(api.client.port)
        let token = api.adminToken
        return try await withThrowingTaskGroup(of: [ServerSentEvent].self) { group in
            group.addTask {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)" + path)
                request.headers.add(name: "Accept", value: "text/event-stream")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                guard response.status.code == 200 else { throw TestFailure("watch \(path) answered \(response.status.code)") }
                var parser = ServerSentEventParser()
                var events: [ServerSentEvent] = []
                for try await chunk in response.body {
                    events += parser.feed(String(buffer: chunk))
                    if events.count >= count { return Array(events.prefix(count)) }
                }
                return events
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                throw TestFailure("watch \(path) did not deliver \(count) events in time")
            }
            let events = try await group.next()!
            group.cancelAll()
            return events
        }
    }

    @Test("a watch streams changes from a revision, and resuming misses nothing", arguments: Backend.enabled)
    func resume(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            let list = try await api.request(.get, "/v1/namespaces/demo/gadgets")
            let start = try #require(list.json["revision"]?.int64Value)
            for name in ["a", "b", "c"] {
                _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"\#(name)","labels":{"k":"\#(name)"}}"#)
            }
            _ = try await api.request(.delete, "/v1/namespaces/demo/gadgets/b")
            let events = try await Self.collect(api, "/v1/namespaces/demo/gadgets?watch=true&revision=\(start)", count: 4)
            #expect(events.map(\.event) == ["ADDED", "ADDED", "ADDED", "DELETED"])
            let revisions = events.compactMap { $0.id.flatMap(Int64.init) }
            #expect(revisions == revisions.sorted())
            // Reconnect after the second event: exactly the rest arrives.
            let resumed = try await Self.collect(api, "/v1/namespaces/demo/gadgets?watch=true&revision=\(revisions[1])", count: 2)
            #expect(resumed.compactMap { $0.id.flatMap(Int64.init) } == Array(revisions[2...]))
            // Filters apply to watches too.
            let filtered = try await Self.collect(api, "/v1/namespaces/demo/gadgets?watch=true&revision=\(start)&labelSelector=k%3Dc", count: 1)
            #expect(filtered.first?.data.contains(#""name":"c""#) == true)
            // Live events after the watch starts (from the current revision, so that a slow
            // connection cannot make it miss the write).
            let now = try #require(try await api.request(.get, "/v1/namespaces/demo/gadgets").json["revision"]?.int64Value)
            async let live = Self.collect(api, "/v1/namespaces/demo/gadgets?watch=true&revision=\(now)", count: 1)
            try await Task.sleep(for: .milliseconds(300))
            _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"d"}"#)
            let liveEvents = try await live
            #expect(liveEvents.first?.event == "ADDED")
            #expect(liveEvents.first?.data.contains(#""name":"d""#) == true)
        }
    }

    @Test("a revision older than the change log answers 410 Gone", arguments: Backend.enabled)
    func gone(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("demo")
            for name in ["a", "b"] { _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"\#(name)"}"#) }
            try await Task.sleep(for: .milliseconds(20))
            let compacted = try await api.server.store.compact(retention: .zero)
            #expect(compacted >= 3)
            let gone = try await api.request(.get, "/v1/namespaces/demo/gadgets?watch=true&revision=1")
            #expect(gone.status == 410)
            #expect(gone.isProblem)
            #expect(gone.json["code"] == "gone")
        }
    }

    @Test("a watcher that does not read is cut off, not buffered without bound")
    func slowWatcher() async throws {
        try await APIFixture.with(.sqlite, configure: { $0.watchBufferLimit = 16 }) { api in
            try await api.createNamespace("demo")
            let feed = api.server.store.feed
            // The controllers' own subscriptions.
            let baseline = await feed.subscriberCount
            let port = try #require(api.client.port)
            // A client that sends the request and then never reads.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let request = "GET /v1/namespaces/demo/gadgets?watch=true HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(api.adminToken)\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            try await api.eventually("the watch subscribed") { await feed.subscriberCount > baseline ? true : nil }
            let padding = String(repeating: "x", count: 4000)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for i in 0..<250 {
                            _ = try await api.request(.post, "/v1/namespaces/demo/gadgets", json: #"{"name":"g-\#(worker)-\#(i)","annotations":{"pad":"\#(padding)"}}"#)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // 2,000 events of ~4.7 KB (9 MB) do not fit in the socket buffers: the slow watch was
            // ended after 16 unread events; only the controllers' subscriptions remain.
            try await api.eventually("the slow watch was dropped") { await feed.subscriberCount == baseline ? true : nil }
            #expect(try await api.request(.get, "/readyz").status == 200)
        }
    }
}
