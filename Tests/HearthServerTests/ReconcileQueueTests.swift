import HearthCore
@testable import HearthServer
import Testing

@Suite("Reconcile queue")
struct ReconcileQueueTests {
    static func key(_ name: String) -> ResourceKey { ResourceKey(type: "widgets", namespace: "demo", name: name) }

    @Test("keys come out in order, once each, however often they were added")
    func fifoAndCoalescing() async throws {
        let queue = ReconcileQueue()
        for name in ["a", "b", "a", "c", "b"] { queue.add(Self.key(name)) }
        #expect(queue.count == 3)
        var names: [String] = []
        for _ in 0..<3 {
            let key = try #require(await queue.next())
            names.append(key.name)
            queue.done(key, succeeded: true)
        }
        #expect(names == ["a", "b", "c"])
        #expect(queue.count == 0)
    }

    @Test("a key being reconciled is not handed to a second worker")
    func inFlight() async throws {
        let queue = ReconcileQueue()
        queue.add(Self.key("a"))
        let first = try #require(await queue.next())
        queue.add(Self.key("a"))  // a change arrives during the attempt
        queue.add(Self.key("b"))
        let second = try #require(await queue.next())
        #expect(second.name == "b")
        queue.done(first, succeeded: true)
        let again = try #require(await queue.next())
        #expect(again.name == "a")
    }

    @Test("a failure comes back after its backoff")
    func backoff() async throws {
        #expect(ReconcileQueue.backoff(failures: 1) == .milliseconds(100))
        #expect(ReconcileQueue.backoff(failures: 3) == .milliseconds(400))
        #expect(ReconcileQueue.backoff(failures: 40) == .seconds(30))
        let queue = ReconcileQueue()
        queue.add(Self.key("a"))
        let key = try #require(await queue.next())
        let start = ContinuousClock.now
        queue.done(key, succeeded: false)
        let retried = try #require(await queue.next())
        #expect(retried == key)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }
}
