import Testing

@testable import HearthSecurity

@Suite("RateLimiter")
struct RateLimiterTests {
    /// A fixed starting instant; tests move time by advancing it.
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant {
        start.advanced(by: .milliseconds(Int64(seconds * 1000)))
    }

    @Test("a new key may burst up to the capacity, then is refused")
    func burst() {
        let limiter = RateLimiter(capacity: 3, refillPerSecond: 1)
        #expect(limiter.retryAfter("user:alice", now: at(0)) == nil)
        for _ in 0..<3 { #expect(limiter.allow("user:alice", now: at(0))) }
        #expect(!limiter.allow("user:alice", now: at(0)))
        #expect(!limiter.allow("user:alice", now: at(0.5)))
    }

    @Test("tokens come back at the refill rate, and retryAfter says when")
    func refill() {
        let limiter = RateLimiter(capacity: 2, refillPerSecond: 0.5)
        #expect(limiter.allow("ip:127.0.0.1", now: at(0)))
        #expect(limiter.allow("ip:127.0.0.1", now: at(0)))
        #expect(limiter.retryAfter("ip:127.0.0.1", now: at(0)) == .seconds(2))
        #expect(limiter.retryAfter("ip:127.0.0.1", now: at(1.5)) == .milliseconds(500))
        #expect(!limiter.allow("ip:127.0.0.1", now: at(1.5)))
        #expect(limiter.retryAfter("ip:127.0.0.1", now: at(2)) == nil)
        #expect(limiter.allow("ip:127.0.0.1", now: at(2)))
        #expect(!limiter.allow("ip:127.0.0.1", now: at(2)))
    }

    @Test("a refused request takes nothing: waiting the advertised time is enough")
    func refusalsAreFree() {
        let limiter = RateLimiter(capacity: 1, refillPerSecond: 1)
        #expect(limiter.allow("k", now: at(0)))
        for step in 1...9 { #expect(!limiter.allow("k", now: at(Double(step) / 10))) }
        #expect(limiter.allow("k", now: at(1)))
    }

    @Test("a bucket refills no further than its capacity")
    func capped() {
        let limiter = RateLimiter(capacity: 2, refillPerSecond: 10)
        #expect(limiter.allow("k", now: at(0)))
        #expect(limiter.allow("k", now: at(0)))
        // An hour later: still only a burst of two.
        #expect(limiter.allow("k", now: at(3600)))
        #expect(limiter.allow("k", now: at(3600)))
        #expect(!limiter.allow("k", now: at(3600)))
    }

    @Test("keys are limited independently")
    func independentKeys() {
        let limiter = RateLimiter(capacity: 1, refillPerSecond: 1)
        #expect(limiter.allow("user:alice", now: at(0)))
        #expect(!limiter.allow("user:alice", now: at(0)))
        #expect(limiter.allow("user:bob", now: at(0)))
        #expect(limiter.allow("ip:10.0.0.1", now: at(0)))
        #expect(limiter.retryAfter("user:bob", now: at(0)) != nil)
        #expect(limiter.retryAfter("user:carol", now: at(0)) == nil)
    }

    @Test("a clock that goes backwards neither refills nor crashes")
    func backwards() {
        let limiter = RateLimiter(capacity: 1, refillPerSecond: 1)
        #expect(limiter.allow("k", now: at(10)))
        #expect(!limiter.allow("k", now: at(5)))
        #expect(limiter.allow("k", now: at(11)))
    }

    @Test("idle buckets that have refilled are swept away")
    func sweepsIdleBuckets() {
        let limiter = RateLimiter(capacity: 5, refillPerSecond: 1, sweepInterval: .seconds(60))
        for i in 0..<50 { #expect(limiter.allow("ip:\(i)", now: at(0))) }
        #expect(limiter.keyCount == 50)
        // Before the sweep interval: nothing is dropped.
        #expect(limiter.allow("ip:new", now: at(30)))
        #expect(limiter.keyCount == 51)
        // After it: every refilled bucket goes; only the one just used remains.
        #expect(limiter.allow("ip:newer", now: at(61)))
        #expect(limiter.keyCount == 1)
    }

    @Test("the number of keys is capped; limited keys are the last to be evicted")
    func boundedKeys() {
        let limiter = RateLimiter(capacity: 5, refillPerSecond: 0.001, maximumKeys: 100, sweepInterval: .seconds(3600))
        for _ in 0..<5 { #expect(limiter.allow("attacker", now: at(0))) }
        #expect(!limiter.allow("attacker", now: at(0)))
        for i in 0..<1000 {
            _ = limiter.allow("ip:\(i)", now: at(0))
            #expect(limiter.keyCount <= 100)
        }
        // The drained bucket survived every eviction: flooding other keys does not reset it.
        #expect(!limiter.allow("attacker", now: at(0)))
        #expect(limiter.retryAfter("attacker", now: at(0)) != nil)
    }

    @Test("when the table is full, refilled buckets are dropped first")
    func fullTableSweepsFirst() {
        let limiter = RateLimiter(capacity: 2, refillPerSecond: 1, maximumKeys: 10, sweepInterval: .seconds(3600))
        for i in 0..<10 { #expect(limiter.allow("k\(i)", now: at(0))) }
        #expect(limiter.keyCount == 10)
        #expect(limiter.allow("k10", now: at(5)))  // all ten have refilled by now
        #expect(limiter.keyCount == 1)
    }

    @Test("concurrent callers share one bucket exactly")
    func concurrent() async {
        let limiter = RateLimiter(capacity: 100, refillPerSecond: 0.001)
        let now = at(0)
        let allowed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var count = 0
                    for _ in 0..<50 where limiter.allow("shared", now: now) { count += 1 }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 100)
    }
}
