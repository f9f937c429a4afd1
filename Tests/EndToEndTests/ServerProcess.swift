import Foundation
import HearthClient
import HearthTestSupport

/// The real `hearth` binary, run as a child process on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the fields are touched by the test task only.
    private var child: ChildProcess?
    private let arguments: [String]
    private let environment: [String: String]
    let dataDirectory: String
    let database: String?
    private(set) var url = ""
    /// The DNS server's port (UDP and TCP).
    private(set) var dnsPort: Int?
    private var logPath = ""
    /// The first admin's access token, once ``setUpAdmin(home:codeFile:)`` has made it.
    private(set) var adminToken: String?

    static let adminPassword = "correct horse battery staple"

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["HEARTH_BIN"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/hearth")
    }

    init(dataDirectory: String, database: String?, extraArguments: [String] = []) {
        self.dataDirectory = dataDirectory
        self.database = database
        // Port 0: every server of the suite gets DNS ports of its own.
        var arguments = ["server", "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--dns-listen", "127.0.0.1:0", "--log-level", "info"]
        if let database { arguments += ["--database", database] }
        self.arguments = arguments + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = dataDirectory + "-home"
        self.environment = environment
    }

    /// Starts the server and waits for its "listening on" line and `/readyz`.
    func start() async throws {
        // The server's output goes to a file the test reads back (and leaves for a post-mortem).
        let logPath = dataDirectory + "-server.log"
        self.logPath = logPath
        let process = try ChildProcess(Self.binary.path, arguments, environment: environment, output: logPath)
        child = process
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("hearth ") && $0.contains(" listening on https://") }),
                let range = line.range(of: "https://")
            {
                url = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
                break
            }
            if !process.isRunning { throw TestSupportFailure("hearth exited early:\n\(log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard !url.isEmpty else { throw TestSupportFailure("hearth did not start:\n\(log)") }
        while ContinuousClock.now < deadline, dnsPort == nil {
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("dns: ") }),
                let port = line.split(separator: " ").dropFirst(3).first?.split(separator: ":").last.flatMap({ Int($0) })
            {
                dnsPort = port
            }
            if !process.isRunning { throw TestSupportFailure("hearth exited early:\n\(log)") }
            if dnsPort == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let client = try makeClient()
        while ContinuousClock.now < deadline {
            if (try? await client.send(.GET, "/readyz")) != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportFailure("hearth never became ready:\n\(log)")
    }

    var caPEM: String {
        get throws { try String(contentsOfFile: dataDirectory + "/ca.pem", encoding: .utf8) }
    }

    /// A client without credentials: only anonymous routes answer it.
    func makeClient() throws -> HearthClient {
        try HearthClient(server: url, caPEM: try caPEM)
    }

    /// A client that sends `token` (by default the admin's, from ``setUpAdmin(home:codeFile:)``).
    func makeClient(token: String?) throws -> HearthClient {
        guard let token = token ?? adminToken else { throw TestSupportFailure("no admin yet: call setUpAdmin first") }
        return try HearthClient(server: url, caPEM: try caPEM, credentials: .token(token, origin: "the test's token"))
    }

    /// Waits until the server accepts `token` (by default the admin's). After a restart, `/readyz`
    /// answers as soon as the store does, while the access directory may still be loading (it
    /// reads every namespace); until it has, valid tokens are refused with 401.
    func waitUntilAccepted(token: String? = nil, timeout: Duration = .seconds(30)) async throws {
        let client = try makeClient(token: token)
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                _ = try await client.send(.GET, "/v1/auth/whoami")
                return
            } catch let error as HearthAPIError where ContinuousClock.now < deadline && (error.status == 401 || error.status == 503) {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The environment for CLI calls to this server from `home` (its own ~/.config/hearth).
    func cliEnvironment(home: String) -> [String: String] {
        ["HEARTH_SERVER": url, "HEARTH_CA": dataDirectory + "/ca.pem", "HOME": home]
    }

    /// Creates the first admin, `admin`, with `hearth setup` and the code in the data directory,
    /// as a person would; the login is stored under `home`. Returns the environment for CLI calls
    /// as the admin.
    @discardableResult
    func setUpAdmin(home: String, codeFile: String? = nil) async throws -> [String: String] {
        let environment = cliEnvironment(home: home)
        let result = try await CLI.run(
            ["setup", "--code-file", codeFile ?? dataDirectory + "/setup-code", "--username", "admin", "--password-stdin"],
            environment: environment, stdin: Self.adminPassword + "\n")
        guard result.status == 0 else { throw TestSupportFailure("hearth setup failed: \(result.stderr)\n\(log)") }
        guard let entry = CredentialStore(directory: home + "/.config/hearth").entry(for: url) else {
            throw TestSupportFailure("hearth setup stored no login under \(home)")
        }
        adminToken = entry.accessToken
        return environment
    }

    /// Everything the server printed so far.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    func kill(_ signal: Int32) {
        child?.signal(signal)
    }

    /// Waits for the process to exit; returns its status (128 + the signal, if one ended it), or
    /// nil on timeout.
    func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        await child?.wait(timeout: timeout)
    }

    deinit {
        child?.signal(SIGKILL)
    }
}

/// Collects a CLI child's output from the pipe handlers' threads.
final class OutputBuffer: @unchecked Sendable {
    // @unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
