import Foundation

/// A value given on the command line, in a file (`--from-file`), or on standard input: the
/// shared way `hearth kv put` and `hearth secret put` read what to store.
enum ValueInput {
    static func read(value: String?, fromFile: String?) throws -> Data {
        if let value { return Data(value.utf8) }
        if let fromFile {
            guard let data = FileManager.default.contents(atPath: fromFile) else { throw CLIFailure("cannot read \(fromFile)") }
            return data
        }
        if isatty(STDIN_FILENO) == 1 {
            FileHandle.standardError.write(Data("Reading the value from standard input (end with Ctrl-D)...\n".utf8))
        }
        return FileHandle.standardInput.readDataToEndOfFile()
    }
}
