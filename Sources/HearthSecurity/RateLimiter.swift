import Synchronization

/// Token-bucket rate limits keyed by a string such as `user:alice` or `ip:127.0.0.1`.
///
/// Each key has a bucket of ``capacity`` tokens that refills at ``refillPerSecond``; a request
/// takes one token and is refused when none is left (a refusal takes nothing). A key seen for the
/// first time starts full.
///
/// The bucket is kept as the instant it will be full again (the generic cell rate algorithm, which
/// behaves exactly like a token bucket), so the arithmetic is on `Duration`s and does not drift.
///
/// Memory is bounded: a bucket that has refilled completely holds nothing worth keeping (a new
/// one would start the same) and is dropped in a sweep, which runs every ``sweepInterval`` and
/// whenever ``maximumKeys`` keys are tracked. If the table is still full after that, the tenth of
/// the buckets with the most tokens left (the least limited) are dropped, so flooding the table
/// with new keys does not reset the buckets of keys that are being limited.
///
/// Time is passed in, so tests drive it with instants of their own.
public final class RateLimiter: Sendable {
    /// The most tokens a bucket holds: the burst allowed after a quiet period.
    public let capacity: Int
    /// Tokens added back per second.
    public let refillPerSecond: Double
    /// The most keys tracked at once.
    public let maximumKeys: Int
    /// How often full buckets are swept away.
    public let sweepInterval: Duration

    /// The time one token takes to come back.
    private let interval: Duration
    /// How far ahead of now a bucket's full-again instant may be and still allow a request:
    /// the time `capacity - 1` tokens take.
    private let tolerance: Duration

    private struct State {
        /// For each key, when its bucket will be full again; in the past means full now.
        var fullAt: [String: ContinuousClock.Instant] = [:]
        var lastSweep: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// A limiter allowing bursts of `capacity` requests per key and `refillPerSecond` afterwards.
    /// - Precondition: `capacity` ≥ 1, `refillPerSecond` > 0, `maximumKeys` ≥ 1.
    public init(capacity: Int, refillPerSecond: Double, maximumKeys: Int = 100_000, sweepInterval: Duration = .seconds(60)) {
        precondition(
            capacity >= 1 && refillPerSecond > 0 && refillPerSecond.isFinite && maximumKeys >= 1, "invalid rate limiter configuration")
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.maximumKeys = maximumKeys
        self.sweepInterval = sweepInterval
        interval = .seconds(1 / refillPerSecond)
        tolerance = interval * (capacity - 1)
    }

    /// Takes a token from `key`'s bucket: true when the request may go ahead, false when it is
    /// over the limit (and then nothing is taken).
    public func allow(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            let known = state.fullAt[key]
            if known == nil { sweepIfDue(&state, now: now) }
            let fullAt = max(known ?? now, now)
            guard fullAt - now <= tolerance else { return false }
            state.fullAt[key] = fullAt + interval
            return true
        }
    }

    /// How long until `key` may make a request again; nil when it may now.
    public func retryAfter(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        state.withLock { state in
            guard let fullAt = state.fullAt[key] else { return nil }
            let wait = fullAt - now - tolerance
            return wait > .zero ? wait : nil
        }
    }

    /// The number of keys tracked now.
    public var keyCount: Int {
        state.withLock { $0.fullAt.count }
    }

    /// Before a new key is added: drops full buckets when a sweep is due or the table is full,
    /// then, if it is still full, the tenth of the buckets with the most tokens.
    private func sweepIfDue(_ state: inout State, now: ContinuousClock.Instant) {
        let full = state.fullAt.count >= maximumKeys
        let due = state.lastSweep.map { $0.duration(to: now) >= sweepInterval } ?? true
        guard full || due else { return }
        state.lastSweep = now
        state.fullAt = state.fullAt.filter { $0.value > now }
        guard state.fullAt.count >= maximumKeys else { return }
        let evict = max(state.fullAt.count - maximumKeys + 1, maximumKeys / 10)
        for victim in state.fullAt.sorted(by: { $0.value < $1.value }).prefix(evict) {
            state.fullAt[victim.key] = nil
        }
    }
}
