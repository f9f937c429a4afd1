import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth setup`: creates the first admin of a new server with its one-time setup code.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup", abstract: "Create the first admin of a new server, and log in as it.",
        discussion: """
            A new server writes a one-time setup code to DATA_DIR/setup-code (and prints it). For \
            30 minutes after its first start it accepts that code, from this machine only, to \
            create the first user, who becomes cluster admin. Then the setup path closes for good: \
            create further users with `hearth user create`.

            The code is read from --code, else --code-file, else DATA_DIR/setup-code (DATA_DIR is \
            --data-dir, HEARTH_DATA_DIR or the server's default, ~/.local/share/hearth), else asked \
            for on the terminal. When DATA_DIR/ca.pem is there and the server proves it holds that \
            CA, it is pinned, so no fingerprint needs confirming.

            The password (at least 12 characters, not containing the username) is asked for twice \
            on a terminal; otherwise pass --password-stdin or set HEARTH_PASSWORD.

            Example:
              hearth server &
              hearth setup --username admin
            """)

    @OptionGroup var client: ClientOptions
    @Option(name: .long, help: "The first admin's username (lowercase letters, digits and '-').") var username: String
    @Option(name: .long, help: "The one-time setup code the server printed.") var code: String?
    @Option(name: .long, help: "File holding the setup code (default: DATA_DIR/setup-code).") var codeFile: String?
    @Option(name: .long, help: "The server's data directory, for its setup code and CA. [HEARTH_DATA_DIR] (default: ~/.local/share/hearth)")
    var dataDir: String?
    @Flag(name: .long, help: "Read the password from the first line of standard input. [HEARTH_PASSWORD]") var passwordStdin = false

    func validate() throws {
        if let problem = Names.dnsLabelProblem(username) { throw ValidationError("--username: a username \(problem)") }
        if code != nil, codeFile != nil { throw ValidationError("pass --code or --code-file, not both") }
    }

    var dataDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let dataDir { return dataDir }
        if let directory = environment["HEARTH_DATA_DIR"], !directory.isEmpty { return directory }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
        return dataHome + "/hearth"
    }

    func setupCode() throws -> String {
        if let code { return code }
        let path = codeFile ?? dataDirectory + "/setup-code"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let code = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !code.isEmpty { return code }
        }
        if codeFile == nil, let typed = PasswordInput.line("Setup code (the server printed it; it is in DATA_DIR/setup-code): "), !typed.isEmpty {
            return typed
        }
        if FileManager.default.fileExists(atPath: path) { throw CLIFailure("cannot read the setup code from \(path)") }
        throw CLIFailure(
            """
            there is no setup code at \(path): the server removes it once setup is done (then log in \
            with `hearth login`) and when its 30-minute setup window closes; or pass --data-dir, \
            --code-file or --code
            """)
    }

    func run() async throws {
        let code = try setupCode()
        let password = try PasswordInput.read(prompt: "Password for \(username): ", confirm: true, fromStdin: passwordStdin)
        let api = try await client.client(authenticated: false, localCA: dataDirectory + "/ca.pem")
        let body = try JSONEncoder().encode(["code": code, "username": username, "password": password])
        let grant: TokenGrant
        do {
            grant = try await api.json(.POST, "/v1/setup", body: body)
        } catch let error as HearthAPIError where error.status > 0 {
            throw CLIFailure("setup failed: \(error)")
        }
        let path = try LoginCommand.store(grant, username: username, server: api.server)
        print("\(username) is the first admin of \(api.server), and logged in (credentials in \(path)).")
        print("Next: `hearth whoami`, `hearth user create NAME`, `hearth ns create NAME`.")
        if case .token = ClientOptions.credentials(for: api.server) {
            FileHandle.standardError.write(Data("Note: HEARTH_TOKEN is set, and other commands use it instead of this login.\n".utf8))
        }
    }
}
