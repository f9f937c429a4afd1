import ArgumentParser
import Foundation
import HearthCore
import HearthStore
import Logging

/// What the audit trail costs a write, in the store alone (no HTTP, no TLS, no access checks):
/// namespace creates straight into a SQLite store in a temporary directory, from many tasks at
/// once, with an audit entry and without, in short alternating runs so that the machine's drift
/// touches both alike. The writer commits each batch with an fsync, as the server does.
struct AuditCostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit-cost",
        abstract: "Time namespace creates straight into a SQLite store, audited and not, in alternating runs.")

    @Option(help: "Length of each run, in seconds.")
    var seconds = 1.0

    @Option(help: "Rounds (one run without audit entries, one with, in each).")
    var rounds = 15

    @Option(help: "Concurrent writers (as connections waiting on the writer in the server).")
    var tasks = 32

    func validate() throws {
        guard seconds > 0, rounds > 0, tasks > 0 else { throw ValidationError("--seconds, --rounds and --tasks must be positive") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-audit-cost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "hearth-bench")
        logger.logLevel = .error
        let store = try Store(
            configuration: StoreConfiguration(backend: .sqlite(path: directory.appendingPathComponent("hearth.db").path)), registry: .standard,
            logger: logger)
        let running = Task { try await store.run() }
        defer { running.cancel() }
        try await store.waitUntilReady()

        var writes = [false: 0, true: 0]
        var elapsed = [false: 0.0, true: 0.0]
        var cpu = [false: 0.0, true: 0.0]
        for round in 0..<rounds {
            // Alternating which goes first, so neither always follows the other's fsyncs.
            for audited in round % 2 == 0 ? [false, true] : [true, false] {
                let cpuBefore = Self.processCPUSeconds()
                let start = ContinuousClock.now
                let done = try await createNamespaces(in: store, prefix: "r\(round)-\(audited ? "a" : "p")", audited: audited, until: start + .seconds(seconds))
                elapsed[audited]! += (ContinuousClock.now - start).secondsDouble
                cpu[audited]! += Self.processCPUSeconds() - cpuBefore
                writes[audited]! += done
            }
        }
        for audited in [false, true] {
            let perSecond = Double(writes[audited]!) / elapsed[audited]!
            let micros = cpu[audited]! * 1e6 / Double(writes[audited]!)
            let label = (audited ? "audited" : "not audited").padding(toLength: 12, withPad: " ", startingAt: 0)
            print(label + String(format: "%8.0f writes/s  %6.1f µs CPU per write", perSecond, micros))
        }
        // The store stops before its directory goes.
        running.cancel()
        _ = try? await running.value
        let ratio = (Double(writes[true]!) / elapsed[true]!) / (Double(writes[false]!) / elapsed[false]!)
        print(String(format: "audited / not: %.2fx (%d rounds of %.1f s each, %d writers)", ratio, rounds, seconds, tasks))
    }

    /// Creates namespaces from ``tasks`` tasks until `deadline`; how many.
    private func createNamespaces(in store: Store, prefix: String, audited: Bool, until deadline: ContinuousClock.Instant) async throws -> Int {
        let type = BuiltinTypes.namespaceTypeName
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        let name = "\(prefix)-\(task)-\(count)"
                        let key = ResourceKey(type: type, namespace: "", name: name)
                        let write = ResourceWrite(name: name, spec: .object(["owners": .array([.string("user:bench")])]))
                        // As the server makes it for a create an admin's role binding allows.
                        let entry: AuditEntry? =
                            audited
                            ? AuditEntry(
                                principal: "user:bench", source: "127.0.0.1", requestID: "2131130afec3691a\(task)x\(count)", verb: Verbs.create,
                                resource: type, name: name, decision: AuditEntry.allowed,
                                reason: "role binding 'setup-admin' (cluster-wide) grants role 'cluster-admin' (rule 0) to user 'bench'")
                            : nil
                        _ = try await store.write(
                            .put(key, mode: .create, transform: { try write.applied(to: $0, key: key, owner: "user:bench") }), audit: entry)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
    }

    /// User and system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
