/// A command that could not do its work (an unreadable file, an untrusted server, an unknown
/// type). Unlike `ValidationError`, it is printed without the usage text: the arguments were fine.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
