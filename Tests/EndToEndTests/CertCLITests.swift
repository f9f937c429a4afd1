import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// `hearth cert` through the real binary: issue (a key made by Hearth, and from an openssl CSR),
/// list, show, revoke, renew; the files it writes verified by openssl. Part of the serialized suite.
extension EndToEndTests {
    @Test("hearth cert: issue with --out and with --csr, list, show, revoke, renew; the files verify with openssl")
    func hearthCertCLI() async throws {
        let directory = Self.temporaryDirectory()
        let work = directory + "-files"
        defer { for suffix in ["", "-admin", "-files", "-home"] { try? FileManager.default.removeItem(atPath: directory + suffix) } }
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let env = try await server.setUpAdmin(home: directory + "-admin")
        func hearth(_ arguments: String...) async throws -> CLI.Result { try await CLI.run(arguments, environment: env) }
        func sh(_ script: String) async throws -> CLI.Result { try await CLI.shell("cd \"\(work)\" && " + script) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        #expect(try await hearth("ns", "create", "demo").status == 0)
        #expect(try await hearth("serviceaccount", "create", "w1", "-n", "demo").status == 0)
        let issued = try await hearth("cert", "issue", "-n", "demo", "--service-account", "w1", "--ttl", "2h", "--out", work + "/w1")
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stdout.contains("issued in namespace demo"), "\(issued.stdout)")
        let mode = try FileManager.default.attributesOfItem(atPath: work + "/w1/w1-key.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let verified = try await sh("openssl verify -CAfile w1/ca-bundle.pem w1/w1.pem && openssl verify -CAfile w1/ca-bundle.pem w1/w1-fullchain.pem")
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let serial = try #require(try await sh("openssl x509 -in w1/w1.pem -noout -serial").stdout.split(separator: "=").last)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let keys = try await sh("test \"$(openssl x509 -in w1/w1.pem -noout -pubkey)\" = \"$(openssl pkey -in w1/w1-key.pem -pubout)\"")
        #expect(keys.status == 0)

        // From a CSR, to standard output; a name outside any policy is refused with the reason.
        let csr = try await sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -out s.csr -subj /CN=s 2>/dev/null")
        #expect(csr.status == 0)
        let fromCSR = try await hearth("cert", "issue", "-n", "demo", "--service-account", "w1", "--csr", work + "/s.csr")
        #expect(fromCSR.status == 0, "\(fromCSR.stderr)")
        #expect(fromCSR.stdout.components(separatedBy: "BEGIN CERTIFICATE").count == 4, "\(fromCSR.stdout)")
        let outside = try await hearth("cert", "issue", "-n", "demo", "--service-account", "w1", "--dns", "bank.example.com", "--csr", work + "/s.csr")
        #expect(outside.status != 0 && outside.stderr.contains("bank.example.com"), "\(outside.stderr)")
        #expect(try await hearth("cert", "issue", "-n", "demo", "--service-account", "w1").status != 0)  // no --out for a made key

        let list = try await hearth("cert", "list", "-n", "demo")
        #expect(list.status == 0 && list.stdout.contains(serial) && list.stdout.contains("valid"), "\(list.stdout)")
        #expect(list.stdout.split(separator: "\n").count == 3, "\(list.stdout)")
        let show = try await hearth("cert", "show", serial.lowercased(), "-n", "demo")
        #expect(show.stdout.contains("spiffe://hearth.internal/ns/demo/sa/w1") && show.stdout.contains("service account:"), "\(show.stdout)")

        let renewed = try await hearth("cert", "renew", serial, "-n", "demo", "--out", work + "/w1-new")
        #expect(renewed.status == 0, "\(renewed.stderr)")
        let newSerial = try await sh("openssl x509 -in w1-new/w1.pem -noout -serial; openssl x509 -in w1-new/w1.pem -noout -ext subjectAltName")
        #expect(!newSerial.stdout.contains(serial) && newSerial.stdout.contains("URI:spiffe://hearth.internal/ns/demo/sa/w1"), "\(newSerial.stdout)")

        let revoked = try await hearth("cert", "revoke", serial, "-n", "demo", "--reason", "rotated")
        #expect(revoked.status == 0 && revoked.stdout == "certificate \(serial) revoked\n", "\(revoked.stdout) \(revoked.stderr)")
        #expect(try await hearth("cert", "list", "-n", "demo").stdout.contains("revoked"))
        #expect(try await hearth("cert", "show", serial, "-n", "demo").stdout.contains("rotated"))
        let missing = try await hearth("cert", "revoke", "ABCDEF", "-n", "demo")
        #expect(missing.status != 0 && missing.stderr.contains("no certificate"), "\(missing.stderr)")
    }
}
