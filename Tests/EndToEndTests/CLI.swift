import Foundation
import HearthTestSupport

/// Runs the `hearth` CLI and captures what it prints.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        try await run(executable: ServerProcess.binary, arguments, environment: extra, stdin: stdin)
    }

    /// Runs `script` with `/bin/sh -c`, with `$HEARTH` set to the binary: for several CLI
    /// processes at once, started by one child (the suite never spawns two children at a time).
    static func shell(_ script: String, environment extra: [String: String] = [:]) async throws -> Result {
        var environment = extra
        environment["HEARTH"] = ServerProcess.binary.path
        return try await run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: environment, stdin: nil)
    }

    static func run(executable: URL, _ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil) async throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        // Nothing of the caller's own Hearth setup leaks in: each test names its server, CA,
        // credentials and HOME.
        for key in environment.keys where (key.hasPrefix("HEARTH_") && key != "HEARTH_BIN") || key.hasPrefix("XDG_") {
            environment[key] = nil
        }
        for (key, value) in extra { environment[key] = value }
        // Output goes to files: pipes would need handlers, and a process the command leaves
        // running could hold them open.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-cli-\(UUID().uuidString.lowercased())").path
        let (stdoutPath, stderrPath) = (base + ".out", base + ".err")
        defer {
            unlink(stdoutPath)
            unlink(stderrPath)
        }
        let child = try ChildProcess(
            executable.path, arguments, environment: environment, input: stdin.map { .text($0) } ?? .null, output: stdoutPath,
            errorOutput: stderrPath)
        guard let status = await child.wait(timeout: .seconds(60)) else {
            await child.terminate()
            throw TestSupportFailure("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish in 60 s")
        }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Result(status: status, stdout: read(stdoutPath), stderr: read(stderrPath))
    }
}
