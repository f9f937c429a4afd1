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
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // Nothing of the caller's own Hearth setup leaks in: each test names its server, CA,
        // credentials and HOME.
        for key in environment.keys where (key.hasPrefix("HEARTH_") && key != "HEARTH_BIN") || key.hasPrefix("XDG_") {
            environment[key] = nil
        }
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let stdoutBuffer = OutputBuffer()
        let stderrBuffer = OutputBuffer()
        out.fileHandleForReading.readabilityHandler = { stdoutBuffer.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { stderrBuffer.append($0.availableData) }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw TestSupportFailure("hearth \(arguments.joined(separator: " ")) did not finish")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(20))
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        stdoutBuffer.append(out.fileHandleForReading.readDataToEndOfFile())
        stderrBuffer.append(err.fileHandleForReading.readDataToEndOfFile())
        return Result(status: process.terminationStatus, stdout: stdoutBuffer.text, stderr: stderrBuffer.text)
    }
}
