import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL server, started once per test process on first use.
///
/// `initdb` and `pg_ctl start` run into a fresh temporary directory (data, log and unix socket
/// inside it) on a free TCP port on 127.0.0.1, with trust authentication and `fsync=on`. Every
/// call of ``createDatabase()`` makes a new database, so tests do not see each other's data. At
/// process exit the server is stopped (`pg_ctl stop -m immediate`) and the directory removed.
///
/// The server binaries come from the highest `/usr/lib/postgresql/*/bin`, else from `PATH`. If
/// they are missing, ``createDatabase()`` throws, so the PostgreSQL tests fail rather than skip;
/// `HEARTH_SKIP_POSTGRES=1` leaves them out (see ``Backend/enabled``). `initdb` and `pg_ctl`
/// refuse to run as root, so as root they run as `postgres` through `runuser`.
public actor TestPostgres {
    /// A running server.
    struct Server: Sendable {
        let root: URL
        let binDirectory: URL
        let port: Int
        /// `runuser`, when the server commands must run as `postgres`.
        let runuser: URL?

        var dataDirectory: URL { root.appendingPathComponent("data") }
        var socketDirectory: URL { root.appendingPathComponent("socket") }
        var logFile: URL { root.appendingPathComponent("postgres.log") }

        func binary(_ name: String) -> URL { binDirectory.appendingPathComponent(name) }

        func url(database: String) -> String {
            "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public static let shared = TestPostgres()
    /// What the exit handler stops and removes.
    private static let running = Mutex<Server?>(nil)
    static let startTimeout: Duration = .seconds(30)

    private var startup: Task<Server, any Error>?
    private var databases = 0

    /// Creates an empty database on the shared server (starting it first if need be) and returns
    /// its `postgres://` URL.
    public static func createDatabase() async throws -> String {
        try await shared.createDatabase()
    }

    /// The shared server's data directory (started first if need be), for tests that scan what
    /// PostgreSQL keeps on disk.
    public static func dataDirectory() async throws -> URL {
        try await shared.server().dataDirectory
    }

    /// Runs SQL in the database of `url` with `psql`, stopping at the first error; returns what
    /// it printed, unaligned and without headers (`-tA`).
    @discardableResult
    public static func execute(_ sql: String, in url: String) async throws -> String {
        let server = try await shared.server()
        return try await Command.run(
            server.binary("psql"), ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
            in: server.root, timeout: .seconds(30))
    }

    func createDatabase() async throws -> String {
        let server = try await server()
        databases += 1
        let name = "hearth_test_\(getpid())_\(databases)"
        try await Command.run(
            server.binary("createdb"), ["-h", "127.0.0.1", "-p", "\(server.port)", "-U", "postgres", name],
            in: server.root, timeout: .seconds(30))
        return server.url(database: name)
    }

    /// The server, started by the first caller; a failed start fails every later caller too.
    func server() async throws -> Server {
        if let startup { return try await startup.value }
        let task = Task { try await Self.start() }
        startup = task
        return try await task.value
    }

    // MARK: Starting and stopping

    private static func start() async throws -> Server {
        let binDirectory = try findBinDirectory()
        let runuser = geteuid() == 0 ? try findRunuser() : nil

        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        let runID = ProcessInfo.processInfo.environment["HEARTH_TEST_RUN_ID"].map { "\($0)-" } ?? ""
        let root = base.appendingPathComponent("hearth-test-pg-\(runID)\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var server = Server(root: root, binDirectory: binDirectory, port: 0, runuser: runuser)
        try FileManager.default.createDirectory(at: server.socketDirectory, withIntermediateDirectories: true)
        if runuser != nil {
            for path in [root, server.socketDirectory] {
                guard let user = getpwnam("postgres") else {
                    throw Failure("running as root, the PostgreSQL tests need a 'postgres' user to run the server as; none exists")
                }
                guard chown(path.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                    throw Failure("cannot chown \(path.path) to postgres: \(String(cString: strerror(errno)))")
                }
            }
        }

        do {
            try await runServerCommand(
                server, "initdb",
                ["-D", server.dataDirectory.path, "-U", "postgres", "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync"])
            // A port can be taken between finding it free and the server binding it: try again.
            var attempt = 0
            while true {
                attempt += 1
                server = Server(root: root, binDirectory: binDirectory, port: try freePort(), runuser: runuser)
                let options = [
                    "-c fsync=on", "-c listen_addresses=127.0.0.1", "-p \(server.port)",
                    "-c unix_socket_directories='\(server.socketDirectory.path)'",
                    "-c max_connections=400", "-c shared_buffers=32MB",
                ].joined(separator: " ")
                do {
                    try await runServerCommand(
                        server, "pg_ctl",
                        ["-D", server.dataDirectory.path, "-l", server.logFile.path, "-w", "-t", "30", "-o", options, "start"])
                    break
                } catch {
                    let log = (try? String(contentsOf: server.logFile, encoding: .utf8)) ?? ""
                    guard attempt < 5, log.contains("Address already in use") else {
                        throw Failure("\(error)\n--- \(server.logFile.path) ---\n\(log.suffix(4000))")
                    }
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: root)
            throw Failure("could not start a test PostgreSQL server: \(error)")
        }

        running.withLock { $0 = server }
        atexit { TestPostgres.stopAtExit() }
        return server
    }

    /// Stops the server and removes its directory; runs from `atexit`.
    static func stopAtExit() {
        guard let server = running.withLock({ s -> Server? in defer { s = nil }; return s }) else { return }
        let pid = postmasterPID(server)
        let (executable, arguments) = command(server, "pg_ctl", ["-D", server.dataDirectory.path, "-m", "immediate", "-w", "-t", "10", "stop"])
        if let child = try? ChildProcess(executable.path, arguments, directory: server.root.path) { _ = child.waitBlocking() }
        // If pg_ctl could not stop it, end the postmaster directly (SIGQUIT is immediate shutdown).
        if let pid, kill(pid, 0) == 0 {
            kill(pid, SIGQUIT)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: server.root)
    }

    private static func postmasterPID(_ server: Server) -> pid_t? {
        let file = server.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8),
            let line = text.split(separator: "\n").first, let pid = pid_t(line.trimmingCharacters(in: .whitespaces))
        else { return nil }
        return pid
    }

    // MARK: Finding things

    /// The highest-versioned `/usr/lib/postgresql/*/bin` with `initdb` and `pg_ctl`, else the
    /// directory of `initdb` on `PATH`.
    private static func findBinDirectory() throws -> URL {
        let fm = FileManager.default
        let lib = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: lib)) ?? [])
            .filter { fm.isExecutableFile(atPath: "\(lib)/\($0)/bin/initdb") && fm.isExecutableFile(atPath: "\(lib)/\($0)/bin/pg_ctl") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        if let highest = versions.last {
            return URL(fileURLWithPath: "\(lib)/\(highest)/bin", isDirectory: true)
        }
        if let initdb = Command.find("initdb") {
            let directory = initdb.resolvingSymlinksInPath().deletingLastPathComponent()
            if fm.isExecutableFile(atPath: directory.appendingPathComponent("pg_ctl").path) { return directory }
        }
        throw Failure(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH. "
                + "Install them (apt-get install postgresql; scripts/test does this), "
                + "or set HEARTH_SKIP_POSTGRES=1 to leave out the PostgreSQL tests.")
    }

    private static func findRunuser() throws -> URL {
        if let found = Command.find("runuser", candidates: ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]) {
            return found
        }
        throw Failure("running as root, the PostgreSQL tests need runuser (util-linux) to run initdb and pg_ctl as postgres")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    private static func freePort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure("bind() failed: \(String(cString: strerror(errno)))") }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard named == 0 else { throw Failure("getsockname() failed: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: actual.sin_port))
    }

    // MARK: Running commands

    /// The command line of a server binary, through `runuser` when running as root.
    private static func command(_ server: Server, _ name: String, _ arguments: [String]) -> (URL, [String]) {
        if let runuser = server.runuser {
            return (runuser, ["-u", "postgres", "--", server.binary(name).path] + arguments)
        }
        return (server.binary(name), arguments)
    }

    private static func runServerCommand(_ server: Server, _ name: String, _ arguments: [String]) async throws {
        let (executable, fullArguments) = command(server, name, arguments)
        try await Command.run(executable, fullArguments, in: server.root, timeout: startTimeout)
    }
}
