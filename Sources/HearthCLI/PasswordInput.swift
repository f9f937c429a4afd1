import Foundation

/// Reads passwords and other answers: from standard input (`--password-stdin`, one per line), from
/// an environment variable, or by asking on the terminal without echo.
enum PasswordInput {
    /// The terminal's settings while echo is off, to restore them if the user presses Ctrl-C.
    nonisolated(unsafe) private static var savedTerminal: termios?

    /// A password: the next line of standard input when `fromStdin`, else `environment`'s value,
    /// else asked on the terminal (twice when `confirm`, for a new password).
    static func read(prompt: String, confirm: Bool = false, fromStdin: Bool, environment: String? = "HEARTH_PASSWORD") throws -> String {
        if fromStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw CLIFailure("standard input ended before the password (--password-stdin reads one line per password)")
            }
            let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard !password.isEmpty else { throw CLIFailure("the password read from standard input is empty") }
            return password
        }
        if let environment, let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            return value
        }
        guard isatty(STDIN_FILENO) == 1 else {
            let variable = environment.map { " or set \($0)" } ?? ""
            throw CLIFailure("no terminal to ask for the password: pass --password-stdin and write it to standard input\(variable)")
        }
        let password = try ask(prompt)
        guard !password.isEmpty else { throw CLIFailure("no password given") }
        if confirm {
            guard try ask("Again, to confirm: ") == password else { throw CLIFailure("the two passwords differ; nothing was changed") }
        }
        return password
    }

    /// Asks on the terminal with echo on (e.g. for a username); nil without a terminal.
    static func line(_ prompt: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data(prompt.utf8))
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
    }

    /// Asks on the terminal with echo off.
    private static func ask(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { throw CLIFailure("cannot read the terminal's settings") }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        savedTerminal = original
        signal(SIGINT) { _ in
            if var saved = PasswordInput.savedTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            _exit(130)
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            signal(SIGINT, SIG_DFL)
            savedTerminal = nil
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw CLIFailure("no password given") }
        return line
    }
}
