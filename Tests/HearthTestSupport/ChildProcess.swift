import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program the tests run, started with `posix_spawn` and reaped with `waitpid`.
///
/// Not Foundation's `Process`: on Linux it watches its children and their pipes with dispatch
/// sources, and tearing those down has crashed test processes in libdispatch's event loop
/// (`_dispatch_event_loop_drain`; swiftlang/swift-corelibs-foundation#5507). Here a child's
/// output goes to files, and one thread per child waits in `waitpid` for it to end.
///
/// The child starts with no signal blocked and every signal at its default, as from a shell:
/// a test's thread may have signals blocked, and a child would inherit that mask.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let state = Mutex(State())

    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    /// What a child reads on its standard input.
    public enum Input: Sendable {
        case null
        /// These bytes, then end of file (through a file, so no pipe is left to tend).
        case text(String)
    }

    /// Starts `executable`.
    /// - Parameters:
    ///   - environment: the whole environment; nil: the test process's own.
    ///   - directory: the working directory; nil: the test process's.
    ///   - output: a file for standard output and standard error (created or truncated);
    ///     nil: /dev/null.
    ///   - errorOutput: a separate file for standard error; nil: with standard output.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        input: Input = .null, output: String? = nil, errorOutput: String? = nil
    ) throws {
        var inputFile: String?
        if case .text(let text) = input {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-test-in-\(UUID().uuidString.lowercased())").path
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw TestSupportFailure("cannot create \(path)")
            }
            inputFile = path
        }
        // The child has opened it by the time posix_spawn returns.
        defer { if let inputFile { unlink(inputFile) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let directory {
            guard let addchdir = GlibcExtensions.addchdir else { throw TestSupportFailure("posix_spawn cannot change directory here") }
            _ = addchdir(&actions, directory)
        }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        if let errorOutput {
            posix_spawn_file_actions_addopen(&actions, 2, errorOutput, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing else of the test process's: its sockets and files stay its own.
        _ = GlibcExtensions.addclosefrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }

        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSupportFailure("cannot run \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        let thread = Thread { [self] in reap() }
        thread.name = "reap \(pid)"
        thread.start()
    }

    /// Waits in `waitpid` (on its own thread) and hands the status to whoever waits.
    private func reap() {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let status = Self.exitStatus(raw)
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// The exit status; for a child ended by a signal, 128 + the signal, as a shell reports it.
    private static func exitStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// The exit status once the child has ended (see ``exitStatus(_:)``).
    public var status: Int32? { state.withLock { $0.status } }

    /// Waits until the child ends; returns its exit status.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Waits until the child ends or `timeout` passes; returns its status, or nil on timeout.
    public func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return status
    }

    /// Waits, blocking the calling thread: for `atexit` handlers, where no task can run.
    public func waitBlocking() -> Int32 {
        while true {
            if let status { return status }
            usleep(10_000)
        }
    }

    /// Sends `signal` (if the child has not been reaped: its pid may be another's by then).
    public func signal(_ signal: Int32) {
        state.withLock { state in
            if state.status == nil { _ = kill(pid, signal) }
        }
    }

    /// Ends the child: SIGTERM, then SIGKILL after `grace`; waits for it.
    @discardableResult
    public func terminate(grace: Duration = .seconds(2)) async -> Int32 {
        signal(SIGTERM)
        if let status = await wait(timeout: grace) { return status }
        signal(SIGKILL)
        return await wait()
    }
}

/// glibc's posix_spawn extensions (2.29, 2.34), which its headers declare only for _GNU_SOURCE,
/// out of Swift's sight: looked up by name.
private enum GlibcExtensions {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addchdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addclosefrom: AddClosefrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        // A null handle is RTLD_DEFAULT: every object loaded.
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
