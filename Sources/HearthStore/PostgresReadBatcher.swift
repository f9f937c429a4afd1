import HearthCore
import PostgresNIO
import Synchronization

/// Serves concurrent reads of single resources with one query per batch instead of one each.
///
/// Up to ``maxInFlight`` queries (two) run at once. A read that finds one of them free runs its own
/// (at once: an idle server adds no delay); otherwise it waits, and the next query to start takes
/// every read waiting then. That query starts after each of its reads arrived, so each read sees
/// every write acknowledged before it began: reads stay linearizable. Under load a query serves
/// tens of reads, which saves PostgreSQL a statement and Hearth a round trip (two thread hops, two
/// system calls) for each.
final class PostgresReadBatcher: Sendable {
    typealias Row = (version: Int64, json: String)

    /// What a waiting read is told: its answer, or to run the next query itself.
    private enum Handoff {
        case answered(Result<Row?, any Error>)
        case lead
    }

    private struct Waiter {
        let key: ResourceKey
        let continuation: CheckedContinuation<Handoff, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var inFlight = 0
    }

    static let maxInFlight = 2
    static let maxBatch = 256
    private let state = Mutex(State())
    private let query: @Sendable ([ResourceKey]) async throws -> [Int: Row]

    /// - Parameter query: reads the resources at these keys; answers by position (0-based).
    init(query: @escaping @Sendable ([ResourceKey]) async throws -> [Int: Row]) {
        self.query = query
    }

    func get(_ key: ResourceKey) async throws -> Row? {
        let handoff = await withCheckedContinuation { (continuation: CheckedContinuation<Handoff, Never>) in
            let leads = state.withLock { state -> Bool in
                if state.inFlight < Self.maxInFlight {
                    state.inFlight += 1
                    return true
                }
                state.waiting.append(Waiter(key: key, continuation: continuation))
                return false
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch handoff {
        case .answered(let result): return try result.get()
        case .lead: return try await lead(key)
        }
    }

    /// Runs one query for `key` and the reads waiting now; then hands the slot to the next
    /// waiting read, if any.
    private func lead(_ key: ResourceKey) async throws -> Row? {
        let followers = state.withLock { state -> [Waiter] in
            let taken = Array(state.waiting.prefix(Self.maxBatch - 1))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        let result: Result<[Int: Row], any Error>
        do {
            result = .success(try await query([key] + followers.map(\.key)))
        } catch {
            result = .failure(error)
        }
        for (index, follower) in followers.enumerated() {
            follower.continuation.resume(returning: .answered(result.map { $0[index + 1] }))
        }
        let next = state.withLock { state -> Waiter? in
            if state.waiting.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        if let next {
            // The slot passes on; that read runs the next query with whatever is waiting then.
            next.continuation.resume(returning: .lead)
        }
        return try result.get()[0]
    }
}
