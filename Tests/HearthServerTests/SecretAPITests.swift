import Foundation
import HTTPTypes
import HearthCore
@testable import HearthSecurity
@testable import HearthServer
@testable import HearthStore
import HearthTestSupport
import Testing

@Suite("Secrets API")
struct SecretAPITests {
    static let base = "/v1/namespaces/vault/secrets"

    @Test("each write makes a version; reads answer the latest or ?version=N; listings and metadata show no value", arguments: Backend.enabled)
    func versions(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("vault")
            let first = try await api.request(.put, "\(Self.base)/db-password", json: #"{"value":"hunter2-first"}"#)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.json["version"] == .int(1))
            #expect(first.json["namespace"] == "vault" && first.json["name"] == "db-password")
            #expect(!first.text.contains("hunter2"), "a write answers metadata only")
            let second = try await api.request(.put, "\(Self.base)/db-password", json: #"{"value":"hunter2-second"}"#)
            #expect(second.json["version"] == .int(2))
            // Binary: answered as valueBase64.
            let binary = Data([0, 255, 1, 254, 0x80]).base64EncodedString()
            let third = try await api.request(.put, "\(Self.base)/db-password", json: #"{"valueBase64":"\#(binary)"}"#)
            #expect(third.json["version"] == .int(3))

            let latest = try await api.request(.get, "\(Self.base)/db-password")
            #expect(latest.status == 200, "\(latest.text)")
            #expect(latest.json["version"] == .int(3))
            #expect(latest.json["valueBase64"] == .string(binary))
            #expect(latest.json["value"] == nil)
            #expect(latest.headers[.cacheControl] == "no-store")
            let old = try await api.request(.get, "\(Self.base)/db-password?version=1")
            #expect(old.json["value"] == "hunter2-first")
            #expect(old.json["version"] == .int(1))
            #expect(try await api.request(.get, "\(Self.base)/db-password?version=9").status == 404)
            #expect(try await api.request(.get, "\(Self.base)/db-password?version=zero").status == 400)
            #expect(try await api.request(.get, "\(Self.base)/nothing-here").status == 404)

            try await api.request(.put, "\(Self.base)/api-token", json: #"{"value":"tok-123456"}"#)
            let list = try await api.request(.get, Self.base)
            #expect(list.status == 200)
            let items = list.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["name"]?.stringValue } == ["api-token", "db-password"])
            #expect(items.last?["currentVersion"] == .int(3))
            #expect(items.last?["versions"] == .int(3))
            #expect(items.last?["state"] == "live")
            for secret in ["hunter2", "tok-123456", binary] { #expect(!list.text.contains(secret)) }

            let meta = try await api.request(.get, "\(Self.base)/db-password/versions")
            #expect(meta.status == 200)
            #expect(meta.json["currentVersion"] == .int(3))
            #expect(meta.json["maxVersions"] == .int(10))
            #expect(meta.json["versions"]?.arrayValue?.compactMap { $0["version"]?.int64Value } == [1, 2, 3])
            #expect(meta.json["versions"]?[index: 0]?["masterKeyId"]?.stringValue == api.server.masterKeys.currentRing.current.id)
            #expect(!meta.text.contains("hunter2"))

            // Check-and-set.
            #expect(try await api.request(.put, "\(Self.base)/db-password?cas=0", json: #"{"value":"x"}"#).status == 409)
            #expect(try await api.request(.put, "\(Self.base)/db-password?cas=2", json: #"{"value":"x"}"#).status == 409)
            #expect(try await api.request(.put, "\(Self.base)/db-password?cas=3", json: #"{"value":"x"}"#).json["version"] == .int(4))
            #expect(try await api.request(.put, "\(Self.base)/fresh?cas=0", json: #"{"value":"x"}"#).json["version"] == .int(1))

            // Bad writes, named without quoting the value.
            let big = String(repeating: "s", count: SecretValueBody.maxValueBytes + 1)
            let tooBig = try await api.request(.put, "\(Self.base)/big", json: #"{"value":"\#(big)"}"#)
            #expect(tooBig.status == 413 && tooBig.isProblem, "\(tooBig.status)")
            #expect(try await api.request(.put, "\(Self.base)/ok", json: #"{"value":"a","valueBase64":"YQ=="}"#).status == 400)
            let broken = try await api.request(.put, "\(Self.base)/ok", json: #"{"value":"sekrit-in-broken-json"#)
            #expect(broken.status == 400 && !broken.text.contains("sekrit"))
            #expect(try await api.request(.put, "\(Self.base)/ok", json: #"{"value":12}"#).status == 422)
            #expect(try await api.request(.put, "\(Self.base)/ok", json: #"{"value":"a","extra":1}"#).status == 422)
            #expect(try await api.request(.put, "\(Self.base)/ok", json: #"{"valueBase64":"%%%"}"#).status == 422)
            #expect(try await api.request(.put, "\(Self.base)/-bad-name", json: #"{"value":"a"}"#).status == 422)
            #expect(try await api.request(.put, "/v1/namespaces/nowhere/secrets/x", json: #"{"value":"a"}"#).status == 404)
        }
    }

    @Test("only the last N versions are kept (--secret-versions); older ones are gone with their ciphertext", arguments: Backend.enabled)
    func pruning(backend: Backend) async throws {
        try await APIFixture.with(backend, configure: { $0.secretVersions = 3 }) { api in
            try await api.createNamespace("vault")
            for index in 1...5 {
                #expect(try await api.request(.put, "\(Self.base)/rolling", json: #"{"value":"value-\#(index)"}"#).json["version"] == .int(Int64(index)))
            }
            let meta = try await api.request(.get, "\(Self.base)/rolling/versions")
            #expect(meta.json["versions"]?.arrayValue?.compactMap { $0["version"]?.int64Value } == [3, 4, 5])
            #expect(meta.json["maxVersions"] == .int(3))
            let pruned = try await api.request(.get, "\(Self.base)/rolling?version=2")
            #expect(pruned.status == 404 && pruned.text.contains("keeps the last 3"), "\(pruned.text)")
            #expect(try await api.request(.get, "\(Self.base)/rolling?version=3").json["value"] == "value-3")
            #expect(try await api.server.store.sealedSecretVersion(namespace: "vault", name: "rolling", version: 1) == nil)
        }
    }

    @Test("soft delete, undelete, destroy, remove; a deleted namespace takes its secrets", arguments: Backend.enabled)
    func deleteAndDestroy(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("vault")
            for index in 1...3 { try await api.request(.put, "\(Self.base)/s", json: #"{"value":"v\#(index)"}"#) }

            let deleted = try await api.request(.delete, "\(Self.base)/s")
            #expect(deleted.status == 200, "\(deleted.text)")
            #expect(deleted.json["versions"]?[index: 2]?["state"] == "deleted")
            let read = try await api.request(.get, "\(Self.base)/s")
            #expect(read.status == 404 && read.text.contains("was deleted") && read.text.contains("undelete"), "\(read.text)")
            #expect(try await api.request(.get, "\(Self.base)/s?version=2").json["value"] == "v2")
            #expect(try await api.request(.get, Self.base).json["items"]?[index: 0]?["state"] == "deleted")

            let undeleted = try await api.request(.post, "\(Self.base)/s/undelete", json: #"{"versions":[3]}"#)
            #expect(undeleted.status == 200, "\(undeleted.text)")
            #expect(try await api.request(.get, "\(Self.base)/s").json["value"] == "v3")

            #expect(try await api.request(.delete, "\(Self.base)/s?versions=1,2").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/s?version=1").status == 404)
            let destroyed = try await api.request(.post, "\(Self.base)/s/destroy", json: #"{"versions":[1]}"#)
            #expect(destroyed.status == 200)
            #expect(destroyed.json["versions"]?[index: 0]?["state"] == "destroyed")
            #expect(destroyed.json["versions"]?[index: 0]?["masterKeyId"] == nil)
            let gone = try await api.request(.get, "\(Self.base)/s?version=1")
            #expect(gone.status == 410 && gone.text.contains("destroyed"), "\(gone.text)")
            #expect(try await api.server.store.sealedSecretVersion(namespace: "vault", name: "s", version: 1)?.sealed == nil)
            #expect(try await api.request(.post, "\(Self.base)/s/undelete", json: #"{"versions":[1]}"#).status == 400)
            #expect(try await api.request(.post, "\(Self.base)/s/destroy", json: #"{"versions":[7]}"#).status == 404)
            #expect(try await api.request(.post, "\(Self.base)/s/destroy", json: #"{"versions":[]}"#).status == 422)
            // Writing again makes a new, live version.
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"v4"}"#).json["version"] == .int(4))
            #expect(try await api.request(.get, "\(Self.base)/s").json["value"] == "v4")

            #expect(try await api.request(.delete, "\(Self.base)/s?destroy=true").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/s").status == 404)
            #expect(try await api.request(.get, "\(Self.base)/s/versions").status == 404)
            #expect(try await api.request(.delete, "\(Self.base)/s").status == 404)
            #expect(try await api.server.store.secretVersions(namespace: "vault", name: "s").isEmpty)

            // The namespace's secrets go with it: a namespace made again under the name starts empty.
            try await api.request(.put, "\(Self.base)/kept", json: #"{"value":"x"}"#)
            #expect(try await api.request(.delete, "/v1/namespaces/vault").status == 200)
            #expect(try await api.server.store.secretVersions(namespace: "vault").isEmpty)
            try await api.createNamespace("vault")
            #expect(try await api.request(.get, Self.base).json["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("reading a value is its own verb: a viewer lists and reads metadata but not values; others see nothing", arguments: Backend.enabled)
    func permissions(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let viewer = APIFixture.Credentials.bearer(try await api.user("vera"))
            let editor = APIFixture.Credentials.bearer(try await api.user("eddie"))
            let other = APIFixture.Credentials.bearer(try await api.user("otto"))
            try await api.createNamespace("vault")
            try await api.createNamespace("elsewhere")
            let members = try await api.request(
                .put, "/v1/namespaces/vault", json: #"{"name":"vault","spec":{"viewers":["user:vera"],"editors":["user:eddie"]}}"#)
            #expect(members.status == 200, "\(members.text)")
            try await api.request(.put, "/v1/namespaces/elsewhere", json: #"{"name":"elsewhere","spec":{"owners":["user:otto"]}}"#)
            try await api.request(.put, "\(Self.base)/s", json: #"{"value":"viewer-must-not-see"}"#)

            #expect(try await api.request(.get, Self.base, as: viewer).status == 200)
            #expect(try await api.request(.get, "\(Self.base)/s/versions", as: viewer).status == 200)
            let refused = try await api.request(.get, "\(Self.base)/s", as: viewer)
            #expect(refused.status == 403 && refused.isProblem && !refused.text.contains("viewer-must-not-see"))
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"x"}"#, as: viewer).status == 403)
            #expect(try await api.request(.delete, "\(Self.base)/s", as: viewer).status == 403)

            #expect(try await api.request(.get, "\(Self.base)/s", as: editor).json["value"] == "viewer-must-not-see")
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"y"}"#, as: editor).status == 200)

            for path in [Self.base, "\(Self.base)/s", "\(Self.base)/s/versions"] {
                #expect(try await api.request(.get, path, as: other).status == 404, "\(path)")
            }
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"x"}"#, as: other).status == 404)

            // A role may name one secret.
            let role = try await api.request(
                .post, "/v1/roles",
                json: #"{"name":"one-secret","spec":{"rules":[{"verbs":["read-value"],"resources":["secrets"],"resourceNames":["s"]}]}}"#)
            #expect(role.status == 201, "\(role.text)")
            let binding = try await api.request(
                .post, "/v1/namespaces/vault/rolebindings",
                json: #"{"name":"vera-s","spec":{"role":"one-secret","subjects":["user:vera"]}}"#)
            #expect(binding.status == 201, "\(binding.text)")
            try await api.request(.put, "\(Self.base)/t", json: #"{"value":"still-hidden"}"#)
            var allowed = 0
            for _ in 0..<100 {
                allowed = try await api.request(.get, "\(Self.base)/s", as: viewer).status
                if allowed == 200 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(allowed == 200)
            #expect(try await api.request(.get, "\(Self.base)/t", as: viewer).status == 403)
        }
    }

    @Test("no value reaches the audit trail, a listing or an error message", arguments: Backend.enabled)
    func noLeaks(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            try await api.createNamespace("vault")
            let sentinel = "leak-sentinel-\(UUID().uuidString)"
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"\#(sentinel)"}"#).status == 200)
            // Refused writes (cas, size, shape) are audited with their reasons.
            #expect(try await api.request(.put, "\(Self.base)/s?cas=0", json: #"{"value":"\#(sentinel)"}"#).status == 409)
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"\#(sentinel)","x":1}"#).status == 422)
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"value":"\#(sentinel)"#).status == 400)
            #expect(try await api.request(.put, "\(Self.base)/s", json: #"{"valueBase64":"\#(sentinel)!"}"#).status == 422)
            #expect(try await api.request(.delete, "\(Self.base)/s").status == 200)
            #expect(try await api.request(.get, "\(Self.base)/s").status == 404)
            let audit = try await api.request(.get, "/v1/audit?limit=500")
            #expect(audit.status == 200)
            let entries = audit.json["items"]?.arrayValue ?? []
            let secretEntries = entries.filter { $0["resource"] == "secrets" }
            #expect(secretEntries.count >= 6, "\(audit.text)")
            #expect(secretEntries.contains { $0["verb"] == "update" && $0["status"] == .int(200) && $0["name"] == "s" })
            #expect(secretEntries.contains { $0["verb"] == "update" && $0["status"] == .int(409) })
            #expect(secretEntries.contains { $0["verb"] == "delete" && $0["status"] == .int(200) })
            #expect(!audit.text.contains(sentinel))
            for path in [Self.base, "\(Self.base)/s/versions", "/metrics"] {
                #expect(!(try await api.request(.get, path).text.contains(sentinel)), "\(path)")
            }
        }
    }

    @Test("a ciphertext moved to another secret or version does not open there")
    func contextBinding() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("vault")
            try await api.request(.put, "\(Self.base)/a", json: #"{"value":"value-of-a"}"#)
            try await api.request(.put, "\(Self.base)/b", json: #"{"value":"value-of-b"}"#)
            try await api.request(.put, "\(Self.base)/b", json: #"{"value":"value-of-b2"}"#)
            let store = api.server.store
            let a1 = try #require(try await store.sealedSecretVersion(namespace: "vault", name: "a", version: 1)?.sealed)
            let b1 = try #require(try await store.sealedSecretVersion(namespace: "vault", name: "b", version: 1)?.sealed)
            // a's v1 copied over b's v2, and b's v1 over its own v2.
            for (sealed, into) in [(a1, "b"), (b1, "b")] {
                try await store.updateRecords { writer in
                    try await writer.transaction.replaceSealedSecret(
                        namespace: "vault", name: into, version: 2, sealed: sealed, masterKeyID: try SealedValue(encoded: sealed).masterKeyID)
                }
                let read = try await api.request(.get, "\(Self.base)/\(into)?version=2")
                #expect(read.status == 500 && read.text.contains("does not open"), "\(read.text)")
                #expect(!read.text.contains("value-of"))
            }
            #expect(try await api.request(.get, "\(Self.base)/a").json["value"] == "value-of-a")
        }
    }

    @Test("a replica without the master key that sealed a value says which key, and how to share it")
    func foreignKey() async throws {
        let row = StoredSecretVersion(namespace: "vault", name: "s", version: 1, sealed: nil, masterKeyID: nil, createdMillis: 0)
        let mine = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let theirs = EnvelopeCipher(ring: try MasterKeyRing(current: .generate()))
        let sealed = try theirs.seal(Array("replica-secret".utf8), context: row.context)
        do {
            _ = try SecretRoutes.open(sealed.encoded, row: row, cipher: mine)
            Issue.record("opened with the wrong ring")
        } catch let error as HearthError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains(sealed.masterKeyID) && error.message.contains("does not hold"))
            #expect(error.message.contains("--master-key-file") && error.message.contains("HEARTH_MASTER_KEY"))
            #expect(!error.message.contains("replica-secret"))
        }
        #expect(try SecretRoutes.open(sealed.encoded, row: row, cipher: theirs) == Array("replica-secret".utf8))
    }

    @Test("master key rotation rewraps every value and the sealed keys, retires the old key, and reads keep working", arguments: Backend.enabled)
    func rotation(backend: Backend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-rotate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = backend == .postgres ? try await TestPostgres.createDatabase() : nil
        let configure: @Sendable (inout ServerConfiguration) -> Void = { $0.databaseURL = database }
        let names = (1...30).map { "secret-\($0)" }
        try await APIFixture.with(backend, dataDirectory: directory, configure: configure) { api in
            try await api.createNamespace("vault")
            for name in names {
                for version in 1...2 { try await api.request(.put, "\(Self.base)/\(name)", json: #"{"value":"\#(name)-v\#(version)"}"#) }
            }
            let oldKey = api.server.masterKeys.currentRing.current.id
            #expect(ServerIdentity.sealedKeyIDs(dataDirectory: directory) == [oldKey])

            // Readers run through the rotation and the rewrap.
            let readers = Task {
                var failures = 0
                for round in 0..<6 {
                    for name in names where (name.hashValue &+ round) % 3 == 0 {
                        let read = try await api.request(.get, "\(Self.base)/\(name)?version=1")
                        if read.status != 200 || read.json["value"]?.stringValue != "\(name)-v1" { failures += 1 }
                    }
                }
                return failures
            }
            let rotated = try await api.request(.post, "/v1/admin/master-key/rotate")
            #expect(rotated.status == 202, "\(rotated.text)")
            let current = try #require(rotated.json["current"]?.stringValue)
            #expect(current != oldKey)
            // The job rewraps in batches; a pass of its own here, in small batches, runs alongside it.
            try await api.server.masterKeys.rewrapAll(batchSize: 7)
            var status = try await api.request(.get, "/v1/admin/master-key")
            for _ in 0..<200 where status.json["keys"]?.arrayValue?.count != 1 {
                try await Task.sleep(for: .milliseconds(50))
                status = try await api.request(.get, "/v1/admin/master-key")
            }
            #expect(try await readers.value == 0, "reads failed during the rotation")
            #expect(status.json["current"]?.stringValue == current)
            #expect(status.json["keys"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [current], "\(status.text)")
            #expect(status.json["keys"]?[index: 0]?["secrets"] == .int(Int64(names.count * 2)))
            #expect(!status.text.contains(try #require(api.server.masterKeys.currentRing.current.base64Key)))
            #expect(try await api.server.store.secretKeyUsage() == [current: names.count * 2])
            #expect(ServerIdentity.sealedKeyIDs(dataDirectory: directory) == [current])
            let file = try String(contentsOfFile: directory + "/" + MasterKeyRing.fileName, encoding: .utf8)
            #expect(!file.contains(oldKey) && file.contains(current))
            for name in names {
                #expect(try await api.request(.get, "\(Self.base)/\(name)?version=1").json["value"]?.stringValue == "\(name)-v1")
            }
        }
        let newKey = try MasterKeyRing.loadOrCreate(dataDirectory: directory).current.id
        // After a restart the ring and everything sealed under it still open.
        try await APIFixture.with(backend, dataDirectory: directory, setUp: false, configure: configure) { api in
            #expect(api.server.masterKeys.currentRing.current.id == newKey)
            #expect(api.server.masterKeys.currentRing.keys.count == 1)
            var login: String?
            for _ in 0..<100 where login == nil {
                login = try? await api.login("admin", password: APIFixture.adminPassword)
                if login == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let token = try #require(login, "the restarted server never took logins")
            #expect(try await api.request(.get, "\(Self.base)/secret-7", as: .bearer(token)).json["value"] == "secret-7-v2")
        }
    }

    @Test("a supplied master key is not rotated by the server")
    func suppliedKey() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let raw = (0..<32).map { _ in UInt8.random(in: 0...255) }
        FileManager.default.createFile(atPath: keyFile, contents: Data(Data(raw).base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        try await APIFixture.with(.sqlite, configure: { $0.masterKeyFile = keyFile }) { api in
            #expect(!FileManager.default.fileExists(atPath: api.dataDirectory + "/" + MasterKeyRing.fileName))
            let refused = try await api.request(.post, "/v1/admin/master-key/rotate")
            #expect(refused.status == 409 && refused.text.contains("supply a new key"), "\(refused.text)")
            let status = try await api.request(.get, "/v1/admin/master-key")
            #expect(status.json["supplied"] == true && status.json["source"] == "key-file")
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array, or nil.
    fileprivate subscript(index index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
