import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// The certificate authority with real clients: a CSR made by `openssl req`, issued through the
/// API over HTTPS with curl, the chain checked by `openssl verify`, its fields by `openssl x509`,
/// then revoked and found in the CRL by `openssl crl` and refused by `openssl verify -crl_check`.
/// Part of the serialized suite.
extension EndToEndTests {
    @Test("certificates on request, checked by openssl: chain, SANs, usages, validity, serial; revoked and in the CRL")
    func pkiWithOpenSSL() async throws {
        let bench = try await PKIBench.start()
        defer { bench.removeFiles() }
        let (directory, work) = (bench.directory, bench.work)
        func sh(_ script: String) async throws -> CLI.Result { try await bench.sh(script) }
        func json(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

        let setup = try await sh(
            """
            api -d '{"name":"demo","spec":{}}' "$URL/v1/namespaces" >/dev/null
            api -d '{"name":"w1","spec":{}}' "$URL/v1/namespaces/demo/serviceaccounts" >/dev/null
            api -d '{"name":"demo","spec":{"namespaces":["demo"],"dnsNames":["*.svc.hearth.internal"],"ipRanges":["10.0.0.0/8"]}}' "$URL/v1/issuanceceilings" >/dev/null
            api -d '{"name":"web","spec":{"dnsNames":["*.svc.hearth.internal"],"ipRanges":["10.0.0.0/8"],"uris":["spiffe://hearth.internal/ns/demo/sa/*"],"maxTTL":"48h"}}' "$URL/v1/namespaces/demo/issuancepolicies" >/dev/null
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=web 2>/dev/null
            curl -sS --cacert "$CA" "$URL/v1/pki/ca.pem" > bundle.pem
            """)
        #expect(setup.status == 0, "\(setup.stderr)")
        let csr = try String(contentsOfFile: work + "/leaf.csr", encoding: .utf8)
        let request: JSONValue = .object([
            "csr": .string(csr), "dnsNames": .array([.string("web.svc.hearth.internal")]), "ipAddresses": .array([.string("10.0.0.7")]),
            "serviceAccount": .string("w1"), "usage": .array([.string("server"), .string("client")]), "ttl": .string("24h"), "policy": .string("web"),
        ])
        try APIJSON.encodeString(request).write(toFile: work + "/request.json", atomically: true, encoding: .utf8)
        let issue = try await sh(#"api -w '\n%{http_code}' -d @request.json "$URL/v1/namespaces/demo/certificates""#)
        let lines = issue.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "201", "\(issue.stdout) \(issue.stderr)")
        let issued = try json(lines.dropLast().joined(separator: "\n"))
        let serial = try #require(issued["serial"]?.stringValue)
        let chain = issued["chain"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(chain.count == 2)
        try #require(issued["certificate"]?.stringValue).write(toFile: work + "/leaf.pem", atomically: true, encoding: .utf8)
        try chain[0].write(toFile: work + "/intermediate.pem", atomically: true, encoding: .utf8)
        try chain[1].write(toFile: work + "/root.pem", atomically: true, encoding: .utf8)
        // The trust bundle is the root, then the intermediate; the root is DATA_DIR/ca.pem.
        #expect(try String(contentsOfFile: work + "/bundle.pem", encoding: .utf8) == chain[1] + "\n" + chain[0] + "\n")
        #expect(try String(contentsOfFile: directory + "/ca.pem", encoding: .utf8) == chain[1])

        let verify = try await sh("openssl verify -CAfile root.pem -untrusted intermediate.pem leaf.pem")
        #expect(verify.status == 0 && verify.stdout.contains("leaf.pem: OK"), "\(verify.stdout) \(verify.stderr)")
        // Not without the intermediate.
        #expect(try await sh("openssl verify -CAfile root.pem leaf.pem").status != 0)
        let text = try await sh("openssl x509 -in leaf.pem -noout -text")
        for expected in [
            "DNS:web.svc.hearth.internal", "IP Address:10.0.0.7", "URI:spiffe://hearth.internal/ns/demo/sa/w1", "CA:FALSE", "Digital Signature",
            "TLS Web Server Authentication", "TLS Web Client Authentication", "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier",
            "ASN1 OID: prime256v1",
        ] {
            #expect(text.stdout.contains(expected), "\(expected) missing from:\n\(text.stdout)")
        }
        #expect(!text.stdout.contains("Key Encipherment"))
        let printed = try await sh("openssl x509 -in leaf.pem -noout -serial")
        #expect(printed.stdout == "serial=\(serial)\n")
        // Valid for 24 hours from now, not for 25; the key is the CSR's.
        #expect(try await sh("openssl x509 -in leaf.pem -noout -checkend 86000").status == 0)
        #expect(try await sh("openssl x509 -in leaf.pem -noout -checkend 90000").status != 0)
        let keys = try await sh("test \"$(openssl x509 -in leaf.pem -noout -pubkey)\" = \"$(openssl pkey -in leaf.key -pubout)\"")
        #expect(keys.status == 0, "\(keys.stderr)")

        // Outside the policy: refused with the name at fault, nothing issued.
        let outside = try await sh(
            #"""
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.csr -subj /CN=x 2>/dev/null
            python3 -c 'import json,sys; print(json.dumps({"csr": open("other.csr").read(), "dnsNames": ["bank.example.com"], "policy": "web"}))' > other.json
            api -w '\n%{http_code}' -d @other.json "$URL/v1/namespaces/demo/certificates"
            """#)
        #expect(outside.stdout.hasSuffix("\n403") && outside.stdout.contains("bank.example.com"), "\(outside.stdout) \(outside.stderr)")
        let list = try json(try await sh(#"api "$URL/v1/namespaces/demo/certificates""#).stdout)
        #expect(list["items"]?.arrayValue?.count == 1)

        // Revoked: in the CRL (signed by the intermediate), and openssl refuses the leaf with it.
        let revoke = try await sh(#"api -o /dev/null -w '%{http_code}' -X POST "$URL/v1/namespaces/demo/certificates/\#(serial)/revoke""#)
        #expect(revoke.stdout == "200", "\(revoke.stdout) \(revoke.stderr)")
        let crl = try await sh(
            """
            curl -sS --cacert "$CA" -o crl.der "$URL/v1/pki/crl"
            openssl crl -inform DER -in crl.der -out crl.pem
            openssl crl -in crl.pem -noout -text
            """)
        #expect(crl.status == 0, "\(crl.stderr)")
        #expect(crl.stdout.contains("Serial Number: \(serial)"), "\(crl.stdout)")
        #expect(crl.stdout.contains("Version 2") && crl.stdout.contains("X509v3 CRL Number"), "\(crl.stdout)")
        let signed = try await sh("openssl crl -in crl.pem -noout -CAfile bundle.pem 2>&1")
        #expect(signed.stdout.contains("verify OK"), "\(signed.stdout)")
        let refused = try await sh("openssl verify -crl_check -CRLfile crl.pem -CAfile root.pem -untrusted intermediate.pem leaf.pem 2>&1 || true")
        #expect(refused.stdout.contains("certificate revoked"), "\(refused.stdout)")
    }
}

extension EndToEndTests {
    @Test("mTLS: curl --cert with a service account's certificate is that account, with its RBAC; revoked or foreign certificates are refused")
    func pkiMutualTLS() async throws {
        let bench = try await PKIBench.start()
        defer { bench.removeFiles() }
        let work = bench.work
        func sh(_ script: String) async throws -> CLI.Result { try await bench.sh(script) }
        func json(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

        let setup = try await sh(
            """
            api -d '{"name":"demo","spec":{}}' "$URL/v1/namespaces" >/dev/null
            api -d '{"name":"w1","spec":{}}' "$URL/v1/namespaces/demo/serviceaccounts" >/dev/null
            api -d '{"generate":true,"serviceAccount":"w1","usage":["client"],"ttl":"1h"}' "$URL/v1/namespaces/demo/certificates"
            """)
        #expect(setup.status == 0, "\(setup.stderr)")
        let issued = try json(setup.stdout)
        let serial = try #require(issued["serial"]?.stringValue, "\(setup.stdout)")
        try #require(issued["certificate"]?.stringValue).write(toFile: work + "/sa.pem", atomically: true, encoding: .utf8)
        try #require(issued["privateKey"]?.stringValue).write(toFile: work + "/sa.key", atomically: true, encoding: .utf8)

        // The leaf alone (no intermediate in the file) authenticates as the service account.
        let whoami = try json(try await sh(#"mtls "$URL/v1/auth/whoami""#).stdout)
        #expect(whoami["subject"]?.stringValue == "serviceaccount:demo/w1", "\(whoami)")
        #expect(whoami["authenticatedBy"]?.stringValue == "client-certificate")
        // Same RBAC as a token: no role in demo yet, then editor.
        #expect(try await sh(#"mtls -o /dev/null -w '%{http_code}' "$URL/v1/namespaces/demo/kv?keys""#).stdout != "200")
        let bound = try await sh(
            #"api -o /dev/null -w '%{http_code}' -X PUT -d '{"name":"demo","spec":{"editors":["serviceaccount:demo/w1"]}}' "$URL/v1/namespaces/demo""#)
        #expect(bound.stdout == "200", "\(bound.stdout) \(bound.stderr)")
        var allowed = ""
        for _ in 0..<50 {
            allowed = try await sh(#"mtls -o /dev/null -w '%{http_code}' -X PUT -H 'content-type: text/plain' -d v "$URL/v1/namespaces/demo/kv/k""#).stdout
            if allowed == "200" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(allowed == "200")
        // Without a certificate the same call is anonymous.
        #expect(try await sh(#"curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}' "$URL/v1/auth/whoami""#).stdout == "401")

        // A certificate from elsewhere does not get through the handshake.
        let foreign = try await sh(
            """
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout x.key -out x.pem -subj /CN=x -days 1 \
                -addext 'subjectAltName=URI:spiffe://hearth.internal/ns/demo/sa/w1' 2>/dev/null
            curl -sS --cacert "$CA" --cert x.pem --key x.key "$URL/v1/auth/whoami" || echo "curl failed: $?"
            """)
        #expect(foreign.stdout.contains("curl failed") && !foreign.stdout.contains("serviceaccount"), "\(foreign.stdout)")

        // A user's own client certificate authenticates as that user.
        let user = try json(try await sh(#"api -d '{"generate":true,"user":true,"ttl":"1h"}' "$URL/v1/namespaces/demo/certificates""#).stdout)
        try #require(user["certificate"]?.stringValue).write(toFile: work + "/u.pem", atomically: true, encoding: .utf8)
        try #require(user["privateKey"]?.stringValue).write(toFile: work + "/u.key", atomically: true, encoding: .utf8)
        let asUser = try json(try await sh(#"curl -sS --cacert "$CA" --cert u.pem --key u.key "$URL/v1/auth/whoami""#).stdout)
        #expect(asUser["subject"]?.stringValue == "user:admin" && asUser["clusterAdmin"] == .bool(true), "\(asUser)")

        // Revoked: refused on the very next request.
        #expect(try await sh(#"api -o /dev/null -w '%{http_code}' -X POST "$URL/v1/namespaces/demo/certificates/\#(serial)/revoke""#).stdout == "200")
        let revoked = try await sh(#"mtls -w '\n%{http_code}' "$URL/v1/auth/whoami""#)
        #expect(revoked.stdout.hasSuffix("\n401") && revoked.stdout.contains("revoked"), "\(revoked.stdout)")
    }
}

/// A server with its first admin and a work directory for the PKI tests; ``sh(_:)`` runs a shell
/// there with `api` (curl with the cluster's CA and the admin's token, JSON) and `mtls` (curl with
/// the client certificate `sa.pem`/`sa.key`) defined, and `$URL`, `$CA`, `$TOKEN`, `$W` set.
struct PKIBench {
    let server: ServerProcess
    let directory: String
    let work: String
    let environment: [String: String]
    /// For `hearth` CLI calls as the admin.
    let cli: [String: String]

    static func start() async throws -> PKIBench {
        let directory = EndToEndTests.temporaryDirectory()
        let work = directory + "-pki"
        let server = ServerProcess(dataDirectory: directory, database: nil)
        try await server.start()
        let cli = try await server.setUpAdmin(home: directory + "-admin")
        let token = try #require(server.adminToken)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return PKIBench(
            server: server, directory: directory, work: work,
            environment: ["URL": server.url, "CA": directory + "/ca.pem", "TOKEN": token, "W": work], cli: cli)
    }

    /// `hearth` as the admin, in the work directory's terms (paths are given whole).
    func hearth(_ arguments: String...) async throws -> CLI.Result { try await CLI.run(arguments, environment: cli) }

    func sh(_ script: String) async throws -> CLI.Result {
        try await CLI.shell(
            "set -e; cd \"$W\"; api() { curl -sS --cacert \"$CA\" -H \"authorization: Bearer $TOKEN\" -H 'content-type: application/json' \"$@\"; }; "
                + "mtls() { curl -sS --cacert \"$CA\" --cert sa.pem --key sa.key \"$@\"; }; " + script, environment: environment)
    }

    func removeFiles() {
        for suffix in ["", "-admin", "-pki", "-home"] { try? FileManager.default.removeItem(atPath: directory + suffix) }
    }
}
