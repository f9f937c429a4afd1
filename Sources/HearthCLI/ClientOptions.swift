import ArgumentParser
import Foundation
import HearthClient

/// How client commands find, trust and authenticate to the server.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Server URL. [HEARTH_SERVER] (default: the server of the last login or setup, else https://127.0.0.1:7443)")
    var server: String?

    @Option(name: .long, help: "CA bundle to trust (e.g. DATA_DIR/ca.pem) instead of the pinned one. [HEARTH_CA]")
    var ca: String?

    var serverURL: String {
        server ?? ProcessInfo.processInfo.environment["HEARTH_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? CredentialStore().currentServer
            ?? "https://127.0.0.1:7443"
    }

    /// A client that trusts the server (see ``trustedClient(localCA:)``) and authenticates as
    /// HEARTH_TOKEN (an access token or API key) or else as the login stored for the server.
    ///
    /// - Parameter authenticated: false for the commands that log in, which must not send (or
    ///   refresh) an old login.
    func client(authenticated: Bool = true, localCA: String? = nil) async throws -> HearthClient {
        let client = try await trustedClient(localCA: localCA)
        guard authenticated else { return client }
        return client.with(credentials: Self.credentials(for: client.server))
    }

    /// HEARTH_TOKEN, else the stored login for `server`, else none.
    static func credentials(for server: String) -> ClientCredentials {
        if let token = ProcessInfo.processInfo.environment["HEARTH_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty {
            return .token(token, origin: "HEARTH_TOKEN")
        }
        if let session = LoginSession.stored(for: server) { return .session(session) }
        return .none
    }

    /// A client that trusts the server: by `--ca`, by the pinned CA, by `localCA` (the CA in the
    /// server's data directory, for `hearth setup` on the server's machine), or after pinning it now.
    ///
    /// On first contact the CLI fetches the server's CA, shows its fingerprint, and pins it if the
    /// user confirms (or if it equals HEARTH_CA_FINGERPRINT). Without a terminal it refuses.
    func trustedClient(localCA: String? = nil) async throws -> HearthClient {
        let url = serverURL
        if url.hasPrefix("http://") { return try HearthClient(server: url, caPEM: nil) }
        guard url.hasPrefix("https://") else { throw CLIFailure("--server must be an http:// or https:// URL") }
        if let path = ca ?? ProcessInfo.processInfo.environment["HEARTH_CA"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIFailure("cannot read the CA file \(path)") }
            return try HearthClient(server: url, caPEM: pem)
        }
        let trust = TrustStore()
        if let entry = trust.entry(for: url) {
            return try HearthClient(server: url, caPEM: entry.caPEM)
        }
        // On the server's machine: its own CA, pinned once the server has proved (in the TLS
        // handshake) that its certificate chains to it.
        if let localCA, let pem = try? String(contentsOfFile: localCA, encoding: .utf8), let fingerprint = TrustStore.fingerprint(ofPEM: pem),
            let client = try? HearthClient(server: url, caPEM: pem), (try? await client.send(.GET, "/v1/cluster")) != nil
        {
            try trust.pin(url, entry: .init(fingerprint: fingerprint, caPEM: pem))
            FileHandle.standardError.write(Data("Pinned \(fingerprint) (from \(localCA)) for \(url) in \(trust.path)\n".utf8))
            return client
        }
        // First contact: fetch the CA without verification, then ask.
        let probe = try HearthClient(server: url, caPEM: nil, insecure: true)
        let (_, _, data) = try await probe.send(.GET, "/v1/cluster/ca.pem")
        let pem = String(decoding: data, as: UTF8.self)
        guard let fingerprint = TrustStore.fingerprint(ofPEM: pem) else {
            throw CLIFailure("\(url) did not send a CA certificate at /v1/cluster/ca.pem")
        }
        if let expected = ProcessInfo.processInfo.environment["HEARTH_CA_FINGERPRINT"], !expected.isEmpty {
            guard expected.lowercased() == fingerprint else {
                throw CLIFailure("the CA of \(url) has fingerprint \(fingerprint), not HEARTH_CA_FINGERPRINT \(expected); refusing to trust it")
            }
        } else {
            FileHandle.standardError.write(Data("The authenticity of \(url) can't be established.\nIts CA fingerprint is \(fingerprint)\n(the server prints it at start; `hearth server` shows \"CA fingerprint\").\n".utf8))
            guard isatty(STDIN_FILENO) == 1 else {
                throw CLIFailure("no terminal to confirm it: pass --ca DATA_DIR/ca.pem or set HEARTH_CA_FINGERPRINT to the fingerprint above")
            }
            FileHandle.standardError.write(Data("Trust it and remember it for this server? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                throw CLIFailure("not trusted; nothing was sent")
            }
        }
        try trust.pin(url, entry: .init(fingerprint: fingerprint, caPEM: pem))
        FileHandle.standardError.write(Data("Pinned \(fingerprint) for \(url) in \(trust.path)\n".utf8))
        return try HearthClient(server: url, caPEM: pem)
    }
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml
}
