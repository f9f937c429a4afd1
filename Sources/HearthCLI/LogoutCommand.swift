import ArgumentParser
import Foundation
import HearthClient

/// `hearth logout`: ends the session on the server and forgets the stored login.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "End the login to a server and forget its tokens.",
        discussion: "Ends the session on the server (its tokens stop working) and removes it from ~/.config/hearth/credentials.json. HEARTH_TOKEN is not affected: an API key is revoked with `hearth apikey revoke`.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let trusted = try await client.trustedClient()
        let store = CredentialStore()
        guard let session = LoginSession.stored(for: trusted.server, in: store) else {
            print("Not logged in to \(trusted.server).")
            return
        }
        var note = ""
        do {
            _ = try await trusted.with(credentials: .session(session)).send(.POST, "/v1/auth/logout")
        } catch let error as HearthAPIError where error.status == 401 {
            note = " (the session had already ended)"
        } catch let error as HearthAPIError {
            // The local copy goes regardless: the user asked to be logged out here.
            note = " (the server could not end the session: \(error.detail))"
        }
        try store.remove(for: trusted.server)
        print("Logged out of \(trusted.server)\(note).")
    }
}
