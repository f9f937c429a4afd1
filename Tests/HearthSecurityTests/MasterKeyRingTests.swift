import Foundation
import HearthCore
import Testing

@testable import HearthSecurity

@Suite("MasterKeyRing")
struct MasterKeyRingTests {
    static let context = "ca:root-key"

    /// A fresh directory path under the temporary directory (not created).
    static func temporaryPath(_ name: String = "hearth-keys") -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Writes `text` to `path` with `mode`.
    static func write(_ text: String, to path: String, mode: Int) throws {
        try? FileManager.default.removeItem(atPath: path)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func failure<T>(_ body: () throws -> T) -> HearthError? {
        do {
            _ = try body()
            return nil
        } catch let error as HearthError {
            return error
        } catch {
            Issue.record("not a HearthError: \(error)")
            return nil
        }
    }

    @Test("the data directory's ring is created 0600 in a 0700 directory and survives a reload")
    func createAndReload() throws {
        let base = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = base + "/data"
        let ring = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        let path = directory + "/master-key.json"
        #expect(ring.source == .dataDirectory(path))
        #expect(ring.keys.count == 1)
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try Self.mode(of: directory) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["master-key.json"])

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["current"] as? String == ring.current.id)
        let keys = try #require(json["keys"] as? [[String: Any]])
        #expect(keys.count == 1)
        #expect(keys[0]["id"] as? String == ring.current.id)
        #expect(keys[0]["key"] as? String == ring.current.base64Key)
        #expect(keys[0]["createdAt"] as? Int == Int(ring.current.createdAt.timeIntervalSince1970))

        let sealed = try EnvelopeCipher(ring: ring).seal(Array("ca private key".utf8), context: Self.context)
        let reloaded = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        #expect(reloaded.current == ring.current)
        #expect(try EnvelopeCipher(ring: reloaded).open(sealed, context: Self.context) == Array("ca private key".utf8))
        #expect(try MasterKeyFile.create("other", at: path) == false)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("rotation on a data-directory ring is written back: the reloaded ring opens old and new values")
    func rotatePersists() throws {
        let directory = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ring = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        let first = ring.current
        let old = try EnvelopeCipher(ring: ring).seal(Array("old".utf8), context: Self.context)
        let second = try ring.rotate()
        let new = try EnvelopeCipher(ring: ring).seal(Array("new".utf8), context: Self.context)

        let reloaded = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        #expect(reloaded.current.id == second.id)
        #expect(reloaded.keys.map(\.id) == [first.id, second.id])
        #expect(try Self.mode(of: directory + "/master-key.json") == 0o600)
        let cipher = EnvelopeCipher(ring: reloaded)
        #expect(try cipher.open(old, context: Self.context) == Array("old".utf8))
        #expect(try cipher.open(new, context: Self.context) == Array("new".utf8))
        let rewrapped = try cipher.rewrap(old, context: Self.context)
        #expect(rewrapped.masterKeyID == second.id)

        #expect(Self.failure { try ring.retire(keyID: second.id) }?.code == .conflict)
        #expect(Self.failure { try ring.retire(keyID: "nope") }?.code == .notFound)
        try ring.retire(keyID: first.id)
        let afterRetire = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        #expect(afterRetire.keys.map(\.id) == [second.id])
        #expect(try EnvelopeCipher(ring: afterRetire).open(rewrapped, context: Self.context) == Array("old".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["master-key.json"])
    }

    @Test("a key from HEARTH_MASTER_KEY writes nothing, and cannot be rotated on disk")
    func environmentKey() throws {
        let directory = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raw = SecureRandom.bytes(32)
        let value = Data(raw).base64EncodedString()
        var ring = try MasterKeyRing.resolve(dataDirectory: directory, keyFile: nil, environment: ["HEARTH_MASTER_KEY": value + "\n"])
        #expect(ring.source == .environment)
        #expect(ring.current.rawKey == raw)
        #expect(ring.current.id == MasterKey.derivedID(of: ring.current.key))
        #expect(ring.current.id.count == 12)
        let sealed = try EnvelopeCipher(ring: ring).seal(Array("v".utf8), context: Self.context)

        let error = Self.failure { try ring.rotate() }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("supply a new key together with the old") == true)
        #expect(Self.failure { try ring.retire(keyID: ring.current.id) }?.code == .conflict)
        #expect(ring.keys.count == 1)
        #expect(!FileManager.default.fileExists(atPath: directory))

        // The same key, again: same id, opens what it sealed. Unpadded and base64url spellings work.
        let again = try MasterKeyRing(environmentValue: UnpaddedBase64.encode(raw, alphabet: .url))
        #expect(again.current.id == ring.current.id)
        #expect(try EnvelopeCipher(ring: again).open(sealed, context: Self.context) == Array("v".utf8))
        // An empty variable falls back to the data directory.
        let fallback = try MasterKeyRing.resolve(dataDirectory: directory, keyFile: nil, environment: ["HEARTH_MASTER_KEY": ""])
        #expect(fallback.source == .dataDirectory(directory + "/master-key.json"))
    }

    @Test("HEARTH_MASTER_KEY must be base64 of 32 bytes (or a JSON ring), and errors do not quote it")
    func environmentMalformed() throws {
        let cases: [(String, String)] = [
            (Data(SecureRandom.bytes(16)).base64EncodedString(), "this one is 16 bytes"),
            (Data(SecureRandom.bytes(33)).base64EncodedString(), "this one is 33 bytes"),
            ("not base64 at all!", "not base64"),
            ("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==\nc2VjcmV0", "more than one line"),
            ("{\"current\": 1}", "malformed"),
            ("   ", "empty"),
        ]
        for (value, fragment) in cases {
            let error = Self.failure { try MasterKeyRing(environmentValue: value) }
            #expect(error?.code == .badRequest, "\(fragment)")
            #expect(error?.message.contains("HEARTH_MASTER_KEY") == true)
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
            if value.count > 8 { #expect(error?.message.contains(value.trimmingCharacters(in: .whitespaces)) == false) }
        }
        let key = MasterKey.generate()
        let ring = try MasterKeyRing(environmentValue: try MasterKeyRing(current: key).serialized())
        #expect(ring.current == key)
        #expect(ring.source == .environment)
    }

    @Test("a supplied key file: one base64 line or a JSON ring, 0600 or 0400, never written")
    func keyFile() throws {
        let directory = Self.temporaryPath()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dataDirectory = directory + "/data"

        let single = directory + "/single.key"
        let key = MasterKey.generate()
        try Self.write(key.base64Key + "\n", to: single, mode: 0o600)
        var ring = try MasterKeyRing.resolve(dataDirectory: dataDirectory, keyFile: single, environment: [:])
        #expect(ring.source == .keyFile(single))
        // A lone key's creation time is unknown: the epoch.
        #expect(ring.current.id == key.id && ring.current.key == key.key)
        #expect(ring.current.createdAt == Date(timeIntervalSince1970: 0))
        #expect(Self.failure { try ring.rotate() }?.code == .conflict)
        #expect(try String(contentsOfFile: single, encoding: .utf8) == key.base64Key + "\n")

        // After a rotation by hand: the new key is current, the old one still opens.
        let old = try EnvelopeCipher(ring: ring).seal(Array("v".utf8), context: Self.context)
        let newKey = MasterKey.generate()
        let two = directory + "/ring.json"
        try Self.write(
            #"{"current": "\#(newKey.id)", "keys": [{"id": "\#(key.id)", "key": "\#(key.base64Key)"}, {"id": "\#(newKey.id)", "key": "\#(newKey.base64Key)", "createdAt": 1767225600}]}"#,
            to: two, mode: 0o400)
        ring = try MasterKeyRing.load(keyFile: two)
        #expect(ring.current.id == newKey.id)
        #expect(ring.current.createdAt == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(ring.key(id: key.id)?.key == key.key)
        let cipher = EnvelopeCipher(ring: ring)
        #expect(try cipher.rewrap(old, context: Self.context).masterKeyID == newKey.id)
        #expect(try cipher.open(old, context: Self.context) == Array("v".utf8))
        #expect(!FileManager.default.fileExists(atPath: dataDirectory))

        // Own ids work too.
        try Self.write(#"{"current":"k2","keys":[{"id":"k2","key":"\#(newKey.base64Key)"}]}"#, to: two, mode: 0o600)
        #expect(try MasterKeyRing.load(keyFile: two).current.id == "k2")

        // Both a key file and the variable: refused.
        let both = Self.failure {
            try MasterKeyRing.resolve(dataDirectory: dataDirectory, keyFile: single, environment: ["HEARTH_MASTER_KEY": key.base64Key])
        }
        #expect(both?.code == .badRequest)
        #expect(both?.message.contains("given twice") == true)
        let missing = Self.failure { try MasterKeyRing.load(keyFile: directory + "/none") }
        #expect(missing?.code == .badRequest)
        #expect(missing?.message.contains("no such file") == true)
    }

    @Test("key files readable or writable by group or others are refused, supplied or in the data directory")
    func permissions() throws {
        let directory = Self.temporaryPath()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = MasterKey.generate()
        let path = directory + "/master.key"
        for mode in [0o644, 0o640, 0o604, 0o620, 0o660, 0o666] {
            try Self.write(key.base64Key, to: path, mode: mode)
            let error = Self.failure { try MasterKeyRing.load(keyFile: path) }
            #expect(error?.code == .badRequest)
            #expect(error?.message.contains("has mode 0\(String(mode, radix: 8))") == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains("chmod 600 \(path)") == true)
            #expect(error?.message.contains(key.base64Key) == false)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try MasterKeyRing.load(keyFile: path).current.key == key.key)
        // Through a symbolic link, the target's mode counts.
        let link = directory + "/link.key"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(try MasterKeyRing.load(keyFile: link).current.key == key.key)
        // A directory is not a key file.
        #expect(Self.failure { try MasterKeyRing.load(keyFile: directory) }?.message.contains("not a regular file") == true)

        let dataDirectory = directory + "/data"
        let created = try MasterKeyRing.loadOrCreate(dataDirectory: dataDirectory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dataDirectory + "/master-key.json")
        let error = Self.failure { try MasterKeyRing.loadOrCreate(dataDirectory: dataDirectory) }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("\(dataDirectory)/master-key.json has mode 0644") == true)
        #expect(error?.message.contains(created.current.base64Key) == false)
    }

    @Test("malformed key files are refused with a clear error")
    func malformedFiles() throws {
        let directory = Self.temporaryPath()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let good = MasterKey.generate().base64Key
        let short = Data(SecureRandom.bytes(31)).base64EncodedString()
        let cases: [(String, String)] = [
            ("", "is empty"),
            ("{", "is malformed"),
            ("[]", "not base64"),
            (#"{"current": "a", "keys": []}"#, "holds no keys"),
            (#"{"keys": [{"id": "a", "key": "\#(good)"}]}"#, "is malformed"),
            (#"{"current": "b", "keys": [{"id": "a", "key": "\#(good)"}]}"#, "names 'b' as its current key, but holds no key by that id"),
            (#"{"current": "a", "keys": [{"id": "a", "key": "\#(good)"}, {"id": "a", "key": "\#(good)"}]}"#, "lists master key 'a' twice"),
            (#"{"current": "a.b", "keys": [{"id": "a.b", "key": "\#(good)"}]}"#, "a master key id is 1 to 64 characters"),
            (#"{"current": "a", "keys": [{"id": "a", "key": "\#(short)"}]}"#, "this one is 31 bytes"),
            (#"{"current": "a", "keys": [{"id": "a", "key": "%%%"}]}"#, "the key of keys[0] is not base64"),
            (#"{"current": "a", "keys": [{"id": "a", "key": "\#(good)", "createdAt": "yesterday"}]}"#, "is malformed"),
            (short, "this one is 31 bytes"),
            (good + "\n" + good, "more than one line"),
        ]
        let path = directory + "/key"
        for (text, fragment) in cases {
            try Self.write(text, to: path, mode: 0o600)
            let error = Self.failure { try MasterKeyRing.load(keyFile: path) }
            #expect(error?.code == .badRequest, "\(text)")
            #expect(error?.message.hasPrefix("--master-key-file \(path)") == true || error?.message.contains(path) == true)
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
            #expect(error?.message.contains(good) == false)
        }
        // The data directory's file must be a JSON ring: a lone key there is refused.
        try Self.write(good, to: directory + "/master-key.json", mode: 0o600)
        #expect(Self.failure { try MasterKeyRing.loadOrCreate(dataDirectory: directory) }?.message.contains("is malformed") == true)
    }

    @Test("a key keeps its id when moved from the data directory to HEARTH_MASTER_KEY")
    func migrateToSupplied() throws {
        let directory = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ring = try MasterKeyRing.loadOrCreate(dataDirectory: directory)
        let sealed = try EnvelopeCipher(ring: ring).seal(Array("moved".utf8), context: Self.context)
        let supplied = try MasterKeyRing(environmentValue: ring.current.base64Key)
        #expect(supplied.current.id == ring.current.id)
        #expect(try EnvelopeCipher(ring: supplied).open(sealed, context: Self.context) == Array("moved".utf8))
    }

    @Test("descriptions, mirrors and dumps never show key material")
    func noKeyMaterial() throws {
        var ring = try MasterKeyRing(current: MasterKey.generate())
        try ring.rotate()
        #expect(ring.source == .memory)
        let secrets = ring.keys.flatMap { [$0.base64Key, UnpaddedBase64.encode($0.rawKey, alphabet: .url), $0.rawKey.description] }
        var dumped = ""
        dump(ring, to: &dumped)
        dump(ring.current, to: &dumped)
        let texts = [
            ring.description, String(reflecting: ring), ring.current.description, String(reflecting: ring.current),
            "\(ring.keys)", dumped,
        ]
        for text in texts {
            for secret in secrets { #expect(!text.contains(secret)) }
        }
        #expect(ring.current.description.contains(ring.current.id))
        #expect(dumped.contains(ring.current.id))
        // The JSON form is the one place the keys are, and it round-trips.
        let restored = try MasterKeyRing(serialized: ring.serialized())
        #expect(restored.keys == ring.keys)
        #expect(restored.current == ring.current)
    }
}
