import ArgumentParser
import Foundation
import HearthCore
import HearthSecurity
import HearthServer
import Logging

/// The baseline of the access-control benchmark: the same server as `hearth server`, with no
/// authentication and no authorization. Mutating requests are still audited (as the anonymous
/// principal, in the same transaction as their write) unless `--no-audit` is given, so that the
/// comparison with `hearth server` is of authentication and authorization alone. Loopback only.
struct OpenServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-server",
        abstract: "Run a Hearth server with access control OFF, on loopback, to measure what access control costs.")

    @Option(help: "The data directory.")
    var dataDir: String

    @Option(help: "HOST:PORT to listen on; the host must be a loopback address.")
    var listen: String = "127.0.0.1:7443"

    @Option(help: "A postgres:// URL to use PostgreSQL instead of SQLite.")
    var database: String?

    @Flag(help: "Serve plain HTTP instead of HTTPS.")
    var plainHttp = false

    @Flag(inversion: .prefixedNo, help: "Audit mutating requests (as the anonymous principal), as hearth server does.")
    var audit = true

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        let host = String(listen[..<colon])
        guard IPAddressBytes.isLoopback(host) else { throw ValidationError("open-server listens on loopback addresses only") }
        var logger = Logger(label: "hearth-bench")
        logger.logLevel = .warning
        var configuration = ServerConfiguration(host: host, port: port, dataDirectory: dataDir, databaseURL: database, plainHTTP: plainHttp)
        // As `hearth server --dns-listen off` in the benchmark: two servers side by side, one DNS port.
        configuration.dnsListen = nil
        // The same metrics as `hearth server`: the comparison is of access control alone.
        let registry = HearthServer.bootstrapMetrics()
        var server = try HearthServer(configuration: configuration, logger: logger, metrics: registry)
        server.openAccessForBenchmarks = true
        server.openAccessAudited = audit
        FileHandle.standardError.write(
            Data("hearth-bench open-server: ACCESS CONTROL IS OFF (benchmark baseline\(audit ? "" : ", no audit")) on \(listen)\n".utf8))
        try await server.run()
    }
}
