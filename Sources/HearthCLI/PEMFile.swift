import Foundation

/// PEM text the CLI prints or writes: each block ending in a newline (the server's may not), and
/// files written with the mode asked for, whatever the umask or a file that was there.
enum PEMFile {
    /// `blocks` joined, each ending in a newline.
    static func text(_ blocks: [String]) -> String {
        blocks.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }

    /// Writes `blocks` to `path` with `mode`; returns the path.
    @discardableResult
    static func write(_ blocks: [String], to path: String, mode: Int) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: Data(text(blocks).utf8), attributes: [.posixPermissions: mode]) else {
            throw CLIFailure("cannot write \(path)")
        }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}
