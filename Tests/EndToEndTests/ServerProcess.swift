import Foundation
import HearthClient
import HearthTestSupport

/// The real `hearth` binary, run as a child process on a free loopback port.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: the Process and pipe are touched by the test task only; output is collected
    // by the pipe's handler under a lock.
    let process = Process()
    let dataDirectory: String
    let database: String?
    private let output = OutputBuffer()
    private(set) var url = ""

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["HEARTH_BIN"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/hearth")
    }

    init(dataDirectory: String, database: String?, extraArguments: [String] = []) {
        self.dataDirectory = dataDirectory
        self.database = database
        process.executableURL = Self.binary
        var arguments = ["server", "--data-dir", dataDirectory, "--listen", "127.0.0.1:0", "--log-level", "warning"]
        if let database { arguments += ["--database", database] }
        process.arguments = arguments + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = dataDirectory + "-home"
        process.environment = environment
    }

    /// Starts the server and waits for its "listening on" line and `/readyz`.
    func start() async throws {
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = output.text.split(separator: "\n").first(where: { $0.contains("listening on ") }),
                let range = line.range(of: "https://")
            {
                url = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
                break
            }
            if !process.isRunning { throw TestSupportFailure("hearth exited early:\n\(output.text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard !url.isEmpty else { throw TestSupportFailure("hearth did not start:\n\(output.text)") }
        let client = try makeClient()
        while ContinuousClock.now < deadline {
            if (try? await client.send(.GET, "/readyz")) != nil { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportFailure("hearth never became ready:\n\(output.text)")
    }

    var caPEM: String {
        get throws { try String(contentsOfFile: dataDirectory + "/ca.pem", encoding: .utf8) }
    }

    func makeClient() throws -> HearthClient {
        try HearthClient(server: url, caPEM: try caPEM)
    }

    var log: String { output.text }

    func kill(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; returns its status, or nil on timeout.
    func waitForExit(timeout: Duration = .seconds(20)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

/// Collects a child's output from the pipe handler's thread.
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
