import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Logging

/// The setup state, stored under `setup/state`.
struct SetupRecord: Codable, Sendable {
    /// When the cluster first started (the window opens then), ms since 1970.
    var firstStartMillis: Int64
    /// The digests of the valid codes: one per replica that started inside the window (each
    /// writes its own code file; any of them works).
    var codeDigests: [String]
    /// The first admin's name once a setup request has been accepted.
    var claimedBy: String?
    /// True once the first admin exists: the setup path is closed for good.
    var used: Bool
}

extension IdentityService {
    static let setupKey = "state"

    var setupCodePath: String { configuration.dataDirectory + "/setup-code" }

    /// On start: on a store without users, opens the setup window (once, at the first start) and
    /// writes a one-time code to `DATA_DIR/setup-code`; finishes a setup that was accepted but
    /// interrupted; once the window is closed, removes the code file.
    func prepareSetup() async throws {
        let now = WallClock.nowMillis()
        let existingUsers = try await store.list(ListOptions(type: IdentityTypes.usersTypeName, limit: 1)).items
        let record = try await store.updateRecords { writer -> SetupRecord in
            if let setup = try await Self.setupState(in: writer) { return setup }
            // A store that already has users (made before setup existed, or restored) never opens.
            let setup = SetupRecord(firstStartMillis: now, codeDigests: [], claimedBy: nil, used: !existingUsers.isEmpty)
            try await Self.save(setup, in: writer)
            return setup
        }
        if let username = record.claimedBy, !record.used {
            try await finishSetup(username: username)
            return
        }
        let closesAt = record.firstStartMillis + Int64(configuration.setupWindow.secondsDouble * 1000)
        guard !record.used, now < closesAt else {
            closeSetupFile()
            return
        }
        // Reuse the code in this replica's file when it is on record; otherwise add a new one (the
        // codes other replicas wrote stay valid).
        var code = (try? String(contentsOfFile: setupCodePath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if code.isEmpty || !Self.matches(code, record.codeDigests) {
            code = SecureRandom.humanCode()
            let digest = OpaqueToken.digest(of: code)
            try await store.updateRecords { writer in
                guard var setup = try await Self.setupState(in: writer), !setup.used, setup.claimedBy == nil else { return }
                setup.codeDigests = Array((setup.codeDigests + [digest]).suffix(16))
                try await Self.save(setup, in: writer)
            }
            try SecretFile.write(code + "\n", to: setupCodePath)
        }
        let minutes = max(1, (closesAt - now) / 60_000)
        logger.notice(
            "no users yet: create the first admin within \(minutes) minutes with `hearth setup` on this machine; one-time setup code \(code) (also in \(setupCodePath))"
        )
    }

    /// Creates the first admin: from loopback only, with the code, within the window, once.
    func setup(code: String, username: String, password: String, fromLoopback: Bool, source: String) async throws {
        guard fromLoopback else {
            throw HearthError(.forbidden, "setup is accepted only from this machine (a loopback address)")
        }
        guard sourceLimiter.allow("setup:" + source) else {
            throw HearthError(.tooManyRequests, "too many setup attempts; wait a moment")
        }
        if let problem = Names.dnsLabelProblem(username) {
            throw HearthError.invalid([FieldViolation(field: "username", reason: problem)])
        }
        try checkPolicy(password, username: username)
        let hasher = self.hasher
        let hash = try await Self.offloaded { try hasher.hash(password) }
        let presented = code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let now = WallClock.nowMillis()
        let window = Int64(configuration.setupWindow.secondsDouble * 1000)
        try await store.updateRecords { writer in
            guard var setup = try await Self.setupState(in: writer) else { throw HearthError(.forbidden, "setup is not open") }
            guard !setup.used, setup.claimedBy == nil else {
                throw HearthError(.forbidden, "setup has already been done: log in with `hearth login`")
            }
            guard now < setup.firstStartMillis + window else {
                throw HearthError(.forbidden, "the setup window has closed (it is open for \(Int(window / 60_000)) minutes after the first start)")
            }
            guard Self.matches(presented, setup.codeDigests) else {
                throw HearthError(.forbidden, "invalid setup code (it is in DATA_DIR/setup-code on the server)")
            }
            setup.claimedBy = username
            try await writer.put(StoredRecord(kind: Self.passwordKind, key: username, subject: Subject.user(username).text, value: hash))
            try await Self.save(setup, in: writer)
        }
        try await finishSetup(username: username)
    }

    /// Makes the claimed admin a user bound to cluster-admin, then closes setup for good.
    private func finishSetup(username: String) async throws {
        let user = ResourceKey(type: IdentityTypes.usersTypeName, name: username)
        _ = try await store.mutate(.put(user, mode: .upsert, transform: { current in
            if let current { return current }
            return Resource(type: user.type, name: username, owner: "setup", spec: .object(["displayName": .string(username)]))
        }))
        let binding = ResourceKey(type: IdentityTypes.clusterRoleBindingsTypeName, name: "setup-admin")
        let outcome = try await store.mutate(.put(binding, mode: .upsert, transform: { current in
            var resource = current ?? Resource(type: binding.type, name: binding.name, owner: "setup")
            resource.spec = .object(["role": .string(Role.clusterAdmin.name), "subjects": .array([.string(Subject.user(username).text)])])
            return resource
        }))
        try await store.updateRecords { writer in
            guard var setup = try await Self.setupState(in: writer) else { return }
            setup.used = true
            setup.codeDigests = []
            try await Self.save(setup, in: writer)
        }
        closeSetupFile()
        if case .updated(let resource) = outcome { await directory.waitUntilApplied(resource.revision) }
        if case .created(let resource) = outcome { await directory.waitUntilApplied(resource.revision) }
        logger.notice("setup done: '\(username)' is the first cluster admin; the setup path is closed")
    }

    /// The setup state on record, locked until the transaction ends.
    static func setupState(in writer: RecordWriter) async throws -> SetupRecord? {
        try await writer.record(setupKind, setupKey)?.decoded(as: SetupRecord.self)
    }

    static func save(_ setup: SetupRecord, in writer: RecordWriter) async throws {
        try await writer.put(StoredRecord(kind: setupKind, key: setupKey, value: try encode(setup)))
    }

    /// True when `code` is one of the codes on record (compared in constant time, all of them).
    static func matches(_ code: String, _ digests: [String]) -> Bool {
        let digest = Array(OpaqueToken.digest(of: code).utf8)
        return digests.reduce(false) { found, stored in ConstantTime.equals(digest, Array(stored.utf8)) || found }
    }

    private func closeSetupFile() {
        if FileManager.default.fileExists(atPath: setupCodePath) { try? FileManager.default.removeItem(atPath: setupCodePath) }
    }
}
