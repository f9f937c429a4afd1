import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs helper programs (`initdb`, `pg_ctl`, `createdb`, `psql`, `sqlite3`) for the tests.
public enum Command {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The first executable of `candidates` (absolute paths), else `name` on `PATH`.
    public static func find(_ name: String, candidates: [String] = []) -> URL? {
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs a program to completion; throws, with its output, if it fails or outlives `timeout`.
    @discardableResult
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL, timeout: Duration) async throws -> String {
        // Output goes to a file, not a pipe: a server the command starts cannot hold it open.
        let outputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("hearth-test-cmd-\(UUID().uuidString.lowercased()).log")
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else {
            throw Failure("cannot create \(outputFile.path)")
        }
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output

        // Ends the process if it outlives the timeout; returns whether it had to.
        let watchdog = Task { () -> Bool in
            do { try await Task.sleep(for: timeout) } catch { return false }
            guard process.isRunning else { return false }
            process.terminate()
            try? await Task.sleep(for: .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            return true
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure("cannot run \(executable.path): \(error)"))
            }
        }
        watchdog.cancel()
        let timedOut = await watchdog.value
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        let commandLine = ([executable.path] + arguments).joined(separator: " ")
        if timedOut {
            throw Failure("timed out after \(timeout): \(commandLine)\n\(text)")
        }
        guard status == 0 else {
            throw Failure("exit status \(status): \(commandLine)\n\(text)")
        }
        return text
    }
}
