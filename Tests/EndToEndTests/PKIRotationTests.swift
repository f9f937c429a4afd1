import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// Rotating the intermediate and taking the root offline, with real clients: openssl verifies
/// certificates from both intermediates against the published bundle and checks each
/// intermediate's CRL, curl authenticates with both over mTLS, and the server restarts with its
/// root offline. Part of the serialized suite.
extension EndToEndTests {
    @Test("intermediate rotation and an offline root: both intermediates' certificates verify and authenticate; restart with the root offline")
    func pkiRotationAndOfflineRoot() async throws {
        let bench = try await PKIBench.start()
        defer { bench.removeFiles() }
        let (directory, work) = (bench.directory, bench.work)
        func sh(_ script: String) async throws -> CLI.Result { try await bench.sh(script) }
        func json(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        func issue(_ file: String) async throws -> String {
            let answer = try json(
                try await sh(#"api -d '{"generate":true,"serviceAccount":"w1","ttl":"1h"}' "$URL/v1/namespaces/demo/certificates""#).stdout)
            try #require(answer["certificate"]?.stringValue).write(toFile: work + "/\(file).pem", atomically: true, encoding: .utf8)
            try #require(answer["privateKey"]?.stringValue).write(toFile: work + "/\(file).key", atomically: true, encoding: .utf8)
            return try #require(answer["serial"]?.stringValue)
        }

        let setup = try await sh(
            """
            api -d '{"name":"demo","spec":{"viewers":["serviceaccount:demo/w1"]}}' "$URL/v1/namespaces" >/dev/null
            api -d '{"name":"w1","spec":{}}' "$URL/v1/namespaces/demo/serviceaccounts" >/dev/null
            """)
        #expect(setup.status == 0, "\(setup.stderr)")
        let oldSerial = try await issue("old")
        let before = try json(try await bench.hearth("admin", "pki", "status", "-o", "json").stdout)
        let oldIntermediate = try #require(before["intermediates"]?.arrayValue?.first?["serial"]?.stringValue)

        // Rotate: the CLI shows the old one still published.
        let rotated = try await bench.hearth("admin", "pki", "rotate-intermediate")
        #expect(rotated.status == 0 && rotated.stdout.contains("previous: published") && rotated.stdout.contains(oldIntermediate), "\(rotated.stdout) \(rotated.stderr)")
        _ = try await issue("new")
        let verified = try await sh(
            """
            curl -sS --cacert "$CA" "$URL/v1/pki/ca.pem" > bundle.pem
            test "$(grep -c 'BEGIN CERTIFICATE' bundle.pem)" = 3
            openssl verify -CAfile bundle.pem old.pem new.pem
            test "$(openssl x509 -in old.pem -noout -issuer)" != "$(openssl x509 -in new.pem -noout -issuer)"
            """)
        #expect(verified.status == 0 && verified.stdout.contains("old.pem: OK") && verified.stdout.contains("new.pem: OK"), "\(verified.stdout) \(verified.stderr)")

        // Both authenticate over mTLS (the leaf alone in the file).
        for file in ["old", "new"] {
            let whoami = try json(try await sh(#"curl -sS --cacert "$CA" --cert \#(file).pem --key \#(file).key "$URL/v1/auth/whoami""#).stdout)
            #expect(whoami["subject"]?.stringValue == "serviceaccount:demo/w1", "\(file): \(whoami)")
        }

        // The old intermediate signs its own CRL, where its revoked certificate is.
        let crl = try await sh(
            """
            api -o /dev/null -X POST "$URL/v1/namespaces/demo/certificates/\(oldSerial)/revoke"
            curl -sS --cacert "$CA" "$URL/v1/pki/crl?format=pem&intermediate=\(oldIntermediate)" > old-crl.pem
            openssl crl -in old-crl.pem -noout -text
            openssl verify -crl_check -CRLfile old-crl.pem -CAfile bundle.pem old.pem 2>&1 || true
            """)
        #expect(crl.stdout.contains("Serial Number: \(oldSerial)") && crl.stdout.contains("certificate revoked"), "\(crl.stdout) \(crl.stderr)")

        // Export the root, then remove its key; a rotation then needs it, once.
        let exported = try await bench.hearth("admin", "pki", "export-root", "--out", work + "/offline")
        #expect(exported.status == 0, "\(exported.stderr)")
        let keyMode = try FileManager.default.attributesOfItem(atPath: work + "/offline/root-key.pem")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let sameKey = try await sh(#"test "$(openssl pkey -in offline/root-key.pem -pubout)" = "$(openssl x509 -in "$CA" -noout -pubkey)""#)
        #expect(sameKey.status == 0)
        #expect(try await bench.hearth("admin", "pki", "export-root", "--out", work + "/offline").status != 0)  // never overwrites
        #expect(try await bench.hearth("admin", "pki", "remove-root-key").status != 0)  // --yes is required
        let removed = try await bench.hearth("admin", "pki", "remove-root-key", "--yes")
        #expect(removed.status == 0 && removed.stdout.contains("key offline"), "\(removed.stdout) \(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.sealed"))
        let refused = try await bench.hearth("admin", "pki", "rotate-intermediate")
        #expect(refused.status != 0 && refused.stderr.contains("offline"), "\(refused.stderr)")
        let withKey = try await bench.hearth("admin", "pki", "rotate-intermediate", "--root-key", work + "/offline/root-key.pem")
        #expect(withKey.status == 0, "\(withKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/ca-key.sealed"))

        // Restarted with the root offline: the same root, HTTPS verified by ca.pem, the new
        // certificate still authenticates.
        bench.server.kill(SIGKILL)
        _ = await bench.server.waitForExit()
        let again = ServerProcess(dataDirectory: directory, database: nil)
        try await again.start()
        defer { again.kill(SIGKILL) }
        let status = try json(
            try await CLI.shell(
                #"curl -sS --cacert "$CA" -H "authorization: Bearer $TOKEN" "$URL/v1/admin/pki""#,
                environment: bench.environment.merging(["URL": again.url]) { $1 }
            ).stdout)
        #expect(status["root"]?["keyOnline"] == .bool(false), "\(status)")
        #expect(status["root"]?["certificate"]?["serial"] == before["root"]?["certificate"]?["serial"])
        #expect(status["intermediates"]?.arrayValue?.count == 3, "\(status)")
        let whoami = try await CLI.shell(
            #"cd "$W" && curl -sS --cacert "$CA" --cert new.pem --key new.key "$URL/v1/auth/whoami""#,
            environment: bench.environment.merging(["URL": again.url]) { $1 })
        #expect(whoami.stdout.contains("serviceaccount:demo/w1"), "\(whoami.stdout) \(whoami.stderr)")
    }
}
