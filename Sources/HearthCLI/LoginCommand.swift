import ArgumentParser
import Foundation
import HearthClient
import HearthCore

/// `hearth login`: logs in with a username and password and stores the tokens.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Log in to a server and remember the login.",
        discussion: """
            Stores an access token and a refresh token for the server in \
            ~/.config/hearth/credentials.json (mode 0600; $XDG_CONFIG_HOME/hearth if set). Other \
            commands send the access token and renew it silently with the refresh token; when the \
            login ends (logout, a changed password, a disabled account, 30 days), log in again.

            The username is --username, else the one last used with this server, else asked for. \
            The password is asked for on a terminal; otherwise pass --password-stdin or set \
            HEARTH_PASSWORD.

            Scripts and programs can skip logging in: set HEARTH_TOKEN to an API key \
            (`hearth apikey create`) or an access token.
            """)

    @OptionGroup var client: ClientOptions
    @Option(name: [.short, .long], help: "Username (default: the last one used with this server, else asked for).") var username: String?
    @Flag(name: .long, help: "Read the password from the first line of standard input. [HEARTH_PASSWORD]") var passwordStdin = false

    func run() async throws {
        let api = try await client.client(authenticated: false)
        guard let name = username ?? CredentialStore().entry(for: api.server)?.username ?? PasswordInput.line("Username: "), !name.isEmpty else {
            throw CLIFailure("no username: pass --username")
        }
        let password = try PasswordInput.read(prompt: "Password for \(name)@\(api.server): ", fromStdin: passwordStdin)
        let grant = try await Self.login(api, username: name, password: password)
        let path = try Self.store(grant, username: name, server: api.server)
        print("Logged in to \(api.server) as \(name) (credentials in \(path)).")
        if case .token = ClientOptions.credentials(for: api.server) {
            FileHandle.standardError.write(Data("Note: HEARTH_TOKEN is set, and other commands use it instead of this login.\n".utf8))
        }
    }

    /// `POST /v1/auth/login`; a refusal becomes a plain message.
    static func login(_ api: HearthClient, username: String, password: String) async throws -> TokenGrant {
        let body = try JSONEncoder().encode(["username": username, "password": password])
        do {
            return try await api.json(.POST, "/v1/auth/login", body: body)
        } catch let error as HearthAPIError where error.status == 401 || error.status == 429 {
            throw CLIFailure("login failed: \(error.detail)")
        }
    }

    /// Stores a login for `server`; returns the credentials file's path.
    static func store(_ grant: TokenGrant, username: String, server: String) throws -> String {
        let store = CredentialStore()
        let entry = CredentialStore.Entry(
            accessToken: grant.accessToken, refreshToken: grant.refreshToken, expiresAt: grant.expiresAt, username: username)
        do {
            try store.save(entry, for: server)
            // Later commands go to this server without --server.
            try store.setCurrentServer(server)
        } catch {
            throw CLIFailure("cannot store the login in \(store.path): \(error)")
        }
        return store.path
    }
}
