import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The executor the store's writer loop prefers; each backend chooses its own (see
/// ``StoreBackend/makeWriterExecutor()``).
protocol StoreWriterExecutor: TaskExecutor {
    /// Called once the writer loop has ended.
    func shutdown()
}

/// A task executor with a thread of its own, for the store's writer loop (SQLite).
///
/// The writer loop is a chain of short awaits (one per statement). On the shared cooperative
/// pool each resumption would queue behind every request being served, so a write batch would
/// take as long as the machine is busy. With this executor preferred, the loop's awaits resume on
/// its own thread at once, and it may also block that thread on an fsync.
final class WriterExecutor: StoreWriterExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    /// `name` names the thread in `top -H` and `perf`: at most 15 bytes, Linux's limit (a longer
    /// one is refused). The thread names itself: on Linux, Foundation's `Thread.name` set before
    /// `start()` does not reach the kernel, and the thread keeps the name of the one that made it.
    init(name: String) {
        precondition(name.utf8.count <= 15, "a thread name has at most 15 bytes on Linux")
        let thread = Thread { [unowned self] in
            Self.nameCurrentThread(name)
            self.runLoop()
        }
        thread.name = name
        thread.start()
    }

    /// Names the calling thread, through glibc's `pthread_setname_np` (a GNU extension the Glibc
    /// module does not import, so found by name).
    private static func nameCurrentThread(_ name: String) {
        #if canImport(Glibc)
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "pthread_setname_np") else { return }
        _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), name)
        #endif
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once its queued jobs have run.
    func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while true {
            condition.lock()
            while jobs.isEmpty, !stopped { condition.wait() }
            if jobs.isEmpty, stopped {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
