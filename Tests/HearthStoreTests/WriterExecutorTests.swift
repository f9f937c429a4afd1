import Foundation
@testable import HearthStore
import Testing

/// The SQLite writer's executor: a thread of its own, named, that runs what is enqueued on it.
@Suite("Writer executor", .timeLimit(.minutes(1)))
struct WriterExecutorTests {
    @Test("runs tasks that prefer it on a thread named as asked (seen by the kernel, as top -H and perf show it)")
    func namedThread() async throws {
        let executor = WriterExecutor(name: "hearth-wtest")
        defer { executor.shutdown() }
        let name = await withTaskExecutorPreference(executor) {
            // /proc/thread-self/comm is the name the kernel has for the running thread.
            (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(name == "hearth-wtest")
    }
}
