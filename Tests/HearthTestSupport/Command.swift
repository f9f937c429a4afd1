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
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let commandLine = ([executable.path] + arguments).joined(separator: " ")
        let child: ChildProcess
        do {
            child = try ChildProcess(executable.path, arguments, directory: directory.path, output: outputFile.path)
        } catch {
            throw Failure("cannot run \(commandLine): \(error)")
        }
        let status = await child.wait(timeout: timeout)
        if status == nil { await child.terminate() }
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        guard let status else {
            throw Failure("timed out after \(timeout): \(commandLine)\n\(text)")
        }
        guard status == 0 else {
            throw Failure("exit status \(status): \(commandLine)\n\(text)")
        }
        return text
    }
}
