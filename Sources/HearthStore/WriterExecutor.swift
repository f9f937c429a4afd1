import Foundation

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

    init(name: String) {
        let thread = Thread { [unowned self] in self.runLoop() }
        thread.name = name
        thread.start()
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
