import NIOCore

/// A task executor that runs jobs on one NIO event loop: the loop of PostgreSQL's writer
/// connection (see ``PostgresBackend``).
///
/// A write batch is a chain of round trips. With the writer loop's tasks on the connection's own
/// event loop, an answer resumes the writer on the thread that read it, in the same loop tick, and
/// the next query is written to the socket from that thread: no thread hop and no wake-up either
/// way, which on a busy machine is most of a round trip's time.
final class EventLoopWriterExecutor: StoreWriterExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// The loop belongs to the backend, which shuts it down after its connection.
    func shutdown() {}
}
