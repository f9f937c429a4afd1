import Foundation
import HearthCore

/// The master keys a server holds: the current one, which wraps the data keys of new sealed
/// values, and older ones, kept to open values sealed before a rotation until they are rewrapped.
///
/// A ring comes from one of three places (see ``resolve(dataDirectory:keyFile:environment:now:)``):
/// - `DATA_DIR/master-key.json`, created on first start (mode 0600, the directory 0700 when
///   created). ``rotate(now:)`` and ``retire(keyID:)`` write it back.
/// - a key file the operator supplies (`--master-key-file`), or
/// - the `HEARTH_MASTER_KEY` environment variable.
///
/// With supplied material nothing is written to disk, so nothing on disk can open the sealed
/// values; to rotate, the operator supplies a new key together with the old ones.
///
/// Key files hold either one base64 key (32 bytes; a line of `openssl rand -base64 32`) or
/// a JSON ring, which is also the format of `master-key.json`:
///
/// ```json
/// {"current": "ID", "keys": [{"id": "ID", "key": "<base64 of 32 bytes>", "createdAt": 1767225600}]}
/// ```
///
/// `createdAt` (Unix seconds) may be left out of supplied rings. `HEARTH_MASTER_KEY` holds either
/// form too. A single base64 key is named by its derived id (``MasterKey/derivedID(of:)``).
///
/// The ring is a value: the server keeps it behind a lock and hands each ``EnvelopeCipher`` a copy.
public struct MasterKeyRing: Sendable, CustomStringConvertible, CustomReflectable {
    /// Where a ring came from, which decides whether changes to it are written back.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// The data directory's key file (the path): rotations are written back to it.
        case dataDirectory(String)
        /// A key file supplied with `--master-key-file` (the path): never written.
        case keyFile(String)
        /// The `HEARTH_MASTER_KEY` environment variable: never written.
        case environment
        /// Made in memory (tools, tests): changes stay in memory.
        case memory

        /// True for material the operator supplied, which the server must not rotate on its own.
        public var isSupplied: Bool {
            switch self {
            case .keyFile, .environment: true
            case .dataDirectory, .memory: false
            }
        }

        public var description: String {
            switch self {
            case .dataDirectory(let path): path
            case .keyFile(let path): "--master-key-file \(path)"
            case .environment: MasterKeyRing.environmentVariable
            case .memory: "the in-memory master key ring"
            }
        }
    }

    /// The name of the ring's file in the data directory.
    public static let fileName = "master-key.json"
    /// The environment variable that may supply the master key.
    public static let environmentVariable = "HEARTH_MASTER_KEY"

    /// The key that wraps the data keys of new sealed values.
    public private(set) var current: MasterKey
    /// Every key of the ring, the current one included, in the order they were added (oldest first).
    public private(set) var keys: [MasterKey]
    /// Where the ring came from.
    public let source: Source

    /// A ring made in memory, with `current` and the `older` keys (changes are not written anywhere).
    /// - Throws: `HearthError(.badRequest)` when two keys share an id.
    public init(current: MasterKey, older: [MasterKey] = []) throws {
        try self.init(current: current, keys: older + [current], source: .memory)
    }

    private init(current: MasterKey, keys: [MasterKey], source: Source) throws {
        var seen = Set<String>()
        for key in keys where !seen.insert(key.id).inserted {
            throw HearthError(.badRequest, "\(source) lists master key '\(key.id)' twice")
        }
        self.current = current
        self.keys = keys
        self.source = source
    }

    /// The key named `id`, if the ring holds it.
    public func key(id: some StringProtocol) -> MasterKey? {
        keys.first { $0.id == id }
    }

    // MARK: - Loading

    /// The ring the server should use: from `keyFile` (`--master-key-file`) when given, else from
    /// `HEARTH_MASTER_KEY` in `environment` when set, else `DATA_DIR/master-key.json`, created
    /// when missing. Supplied material is never written to disk.
    /// - Throws: `HearthError(.badRequest)` when both a key file and the variable are given, or
    ///   for a key file open to group or others, a malformed file or value, a key of the wrong
    ///   length.
    public static func resolve(
        dataDirectory: String, keyFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date = Date()
    ) throws -> MasterKeyRing {
        let keyFile = keyFile.flatMap { $0.isEmpty ? nil : $0 }
        let variable = environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyFile, variable) {
        case (.some, .some):
            throw HearthError(
                .badRequest, "the master key is given twice, with --master-key-file and \(environmentVariable): give one of them")
        case (.some(let path), nil):
            return try load(keyFile: path)
        case (nil, .some(let value)):
            return try MasterKeyRing(environmentValue: value)
        case (nil, nil):
            return try loadOrCreate(dataDirectory: dataDirectory, now: now)
        }
    }

    /// The ring in `DATA_DIR/master-key.json`, or a new one with one fresh key, written there
    /// (mode 0600; the directory is created 0700 when missing).
    /// - Throws: `HearthError(.badRequest)` when the file is open to group or others or malformed.
    public static func loadOrCreate(dataDirectory: String, now: Date = Date()) throws -> MasterKeyRing {
        let path = dataDirectory + "/" + fileName
        let source = Source.dataDirectory(path)
        if let text = try MasterKeyFile.read(path, label: source.description) {
            return try parse(text, source: source, allowSingleKey: false)
        }
        let key = MasterKey.generate(now: now)
        let ring = try MasterKeyRing(current: key, keys: [key], source: source)
        if try MasterKeyFile.create(ring.serialized(), at: path) { return ring }
        // Another process created the file first: use its key.
        guard let text = try MasterKeyFile.read(path, label: source.description) else {
            throw HearthError(.internalError, "\(path) disappeared while it was being created")
        }
        return try parse(text, source: source, allowSingleKey: false)
    }

    /// The ring in a supplied key file (`--master-key-file`): one base64 key, or a JSON ring.
    /// - Throws: `HearthError(.badRequest)` when the file is missing, open to group or others,
    ///   or malformed, or a key is not 32 bytes.
    public static func load(keyFile path: String) throws -> MasterKeyRing {
        let source = Source.keyFile(path)
        guard let text = try MasterKeyFile.read(path, label: source.description) else {
            throw HearthError(.badRequest, "cannot read \(source): no such file")
        }
        return try parse(text, source: source, allowSingleKey: true)
    }

    /// The ring in the value of `HEARTH_MASTER_KEY`: base64 of 32 bytes, or a JSON ring.
    /// - Throws: `HearthError(.badRequest)` for a malformed value or a key that is not 32 bytes.
    public init(environmentValue value: String) throws {
        self = try Self.parse(value, source: .environment, allowSingleKey: true)
    }

    /// A ring from the JSON ``serialized()`` made, kept in memory.
    /// - Throws: `HearthError(.badRequest)` when the text is not a JSON ring.
    public init(serialized text: String) throws {
        self = try Self.parse(text, source: .memory, allowSingleKey: false)
    }

    // MARK: - Changes

    /// Makes a new key the current one; the old ones stay, to open what they sealed until it is
    /// rewrapped (``EnvelopeCipher/rewrap(_:context:)``). A ring from the data directory is
    /// written back (the ring is unchanged when that fails).
    /// - Returns: the new current key.
    /// - Throws: `HearthError(.conflict)` for supplied material: the operator rotates it by
    ///   supplying a new key together with the old ones; `HearthError(.internalError)` when the
    ///   file cannot be written.
    @discardableResult
    public mutating func rotate(now: Date = Date()) throws -> MasterKey {
        try refuseSupplied("rotated")
        var key = MasterKey.generate(now: now)
        while self.key(id: key.id) != nil { key = MasterKey.generate(now: now) }
        var next = self
        next.keys.append(key)
        next.current = key
        try next.persist()
        self = next
        return key
    }

    /// Drops an old key, once nothing sealed with it is left (every value rewrapped). A ring from
    /// the data directory is written back.
    /// - Throws: `HearthError(.conflict)` for the current key or supplied material,
    ///   `HearthError(.notFound)` for an id the ring does not hold.
    public mutating func retire(keyID: String) throws {
        try refuseSupplied("changed")
        guard key(id: keyID) != nil else { throw HearthError(.notFound, "the master key ring has no key '\(keyID)'") }
        guard keyID != current.id else {
            throw HearthError(.conflict, "master key '\(keyID)' is the current key: rotate first, rewrap, then retire it")
        }
        var next = self
        next.keys.removeAll { $0.id == keyID }
        try next.persist()
        self = next
    }

    private func refuseSupplied(_ verb: String) throws {
        guard source.isSupplied else { return }
        throw HearthError(
            .conflict,
            "the master key ring comes from \(source) and cannot be \(verb) on disk: supply a new key together with the old ones "
                + #"(a key file {"current": NEW_ID, "keys": [NEW, OLD...]} with --master-key-file or in \#(Self.environmentVariable)), "#
                + "restart, rewrap the sealed values, then drop the old key")
    }

    private func persist() throws {
        if case .dataDirectory(let path) = source {
            try MasterKeyFile.replace(serialized(), at: path)
        }
    }

    // MARK: - JSON

    /// The ring as JSON, the format of `master-key.json`: secret, it holds every key.
    public func serialized() -> String {
        let document = Document(
            current: current.id,
            keys: keys.map { Document.Entry(id: $0.id, key: $0.base64Key, createdAt: Int64($0.createdAt.timeIntervalSince1970)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // A struct of strings and integers always encodes.
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    private struct Document: Codable {
        struct Entry: Codable {
            var id: String
            var key: String
            var createdAt: Int64?
        }

        var current: String
        var keys: [Entry]
    }

    /// A ring from a JSON document or, when `allowSingleKey`, one line of base64. Messages name
    /// the source and never quote the text.
    private static func parse(_ text: String, source: Source, allowSingleKey: Bool) throws -> MasterKeyRing {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let format =
            allowSingleKey
            ? #"one base64 key (32 bytes) or a JSON ring {"current": ID, "keys": [{"id": ID, "key": BASE64, "createdAt": SECONDS}]}"#
            : #"a JSON ring {"current": ID, "keys": [{"id": ID, "key": BASE64, "createdAt": SECONDS}]}"#
        guard !trimmed.isEmpty else { throw HearthError(.badRequest, "\(source) is empty: it should hold \(format)") }
        if trimmed.first != "{" {
            guard allowSingleKey else { throw HearthError(.badRequest, "\(source) is malformed: it should hold \(format)") }
            guard !trimmed.contains(where: \.isNewline) else {
                throw HearthError(.badRequest, "\(source) holds more than one line: it should hold \(format)")
            }
            guard let raw = MasterKey.decodeBase64(trimmed) else {
                throw HearthError(.badRequest, "\(source) is not base64: it should hold \(format)")
            }
            let key = try qualified(source) { try MasterKey(rawKey: raw, createdAt: Date(timeIntervalSince1970: 0)) }
            return try MasterKeyRing(current: key, keys: [key], source: source)
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(trimmed.utf8))
        } catch {
            throw HearthError(.badRequest, "\(source) is malformed: it should hold \(format)")
        }
        guard !document.keys.isEmpty else { throw HearthError(.badRequest, "\(source) holds no keys") }
        var keys = [MasterKey]()
        for (index, entry) in document.keys.enumerated() {
            guard let raw = MasterKey.decodeBase64(entry.key) else {
                throw HearthError(.badRequest, "\(source): the key of keys[\(index)] is not base64")
            }
            let created = Date(timeIntervalSince1970: TimeInterval(entry.createdAt ?? 0))
            keys.append(try qualified(source) { try MasterKey(id: entry.id, rawKey: raw, createdAt: created) })
        }
        guard let current = keys.first(where: { $0.id == document.current }) else {
            throw HearthError(.badRequest, "\(source) names '\(document.current)' as its current key, but holds no key by that id")
        }
        return try MasterKeyRing(current: current, keys: keys, source: source)
    }

    /// Runs `body`, prefixing the message of a `HearthError` it throws with the source.
    private static func qualified<T>(_ source: Source, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HearthError {
            throw HearthError(error.code, "\(source): \(error.message)")
        }
    }

    // MARK: - Descriptions

    public var description: String {
        "MasterKeyRing(current \(current.id), \(keys.count) key\(keys.count == 1 ? "" : "s"), from \(source))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["current": current.id, "keyIDs": keys.map(\.id), "source": source])
    }
}
