import Foundation
import HearthCore
import HearthSecurity
import HearthStore
import Logging

/// The setup state, stored under `setup/state`.
struct SetupRecord: Codable, Sendable {
    /// When the cluster first started (the window opens then), ms since 1970.
    var firstStartMillis: Int64
    var codeDigest: String
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
            if let stored = try await writer.record(Self.setupKind, Self.setupKey),
                let setup = try? JSONDecoder().decode(SetupRecord.self, from: Data(stored.value.utf8))
            {
                return setup
            }
            // A store that already has users (made before setup existed, or restored) never opens.
            let setup = SetupRecord(firstStartMillis: now, codeDigest: "", claimedBy: nil, used: !existingUsers.isEmpty)
            try await writer.put(StoredRecord(kind: Self.setupKind, key: Self.setupKey, value: try Self.encode(setup)))
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
        // Reuse the code in the file when it is the one on record; otherwise make a new one.
        var code = (try? String(contentsOfFile: setupCodePath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if code.isEmpty || !ConstantTime.equals(Array(OpaqueToken.digest(of: code).utf8), Array(record.codeDigest.utf8)) {
            code = SecureRandom.humanCode()
            let digest = OpaqueToken.digest(of: code)
            try await store.updateRecords { writer in
                guard let stored = try await writer.record(Self.setupKind, Self.setupKey),
                    var setup = try? JSONDecoder().decode(SetupRecord.self, from: Data(stored.value.utf8)), !setup.used, setup.claimedBy == nil
                else { return }
                setup.codeDigest = digest
                try await writer.put(StoredRecord(kind: Self.setupKind, key: Self.setupKey, value: try Self.encode(setup)))
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
        let presented = OpaqueToken.digest(of: code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased())
        let now = WallClock.nowMillis()
        let window = Int64(configuration.setupWindow.secondsDouble * 1000)
        try await store.updateRecords { writer in
            guard let stored = try await writer.record(Self.setupKind, Self.setupKey),
                var setup = try? JSONDecoder().decode(SetupRecord.self, from: Data(stored.value.utf8))
            else { throw HearthError(.forbidden, "setup is not open") }
            guard !setup.used, setup.claimedBy == nil else {
                throw HearthError(.forbidden, "setup has already been done: log in with `hearth login`")
            }
            guard now < setup.firstStartMillis + window else {
                throw HearthError(.forbidden, "the setup window has closed (it is open for \(Int(window / 60_000)) minutes after the first start)")
            }
            guard !setup.codeDigest.isEmpty, ConstantTime.equals(Array(presented.utf8), Array(setup.codeDigest.utf8)) else {
                throw HearthError(.forbidden, "invalid setup code (it is in DATA_DIR/setup-code on the server)")
            }
            setup.claimedBy = username
            try await writer.put(StoredRecord(kind: Self.passwordKind, key: username, subject: Subject.user(username).text, value: hash))
            try await writer.put(StoredRecord(kind: Self.setupKind, key: Self.setupKey, value: try Self.encode(setup)))
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
            guard let stored = try await writer.record(Self.setupKind, Self.setupKey),
                var setup = try? JSONDecoder().decode(SetupRecord.self, from: Data(stored.value.utf8))
            else { return }
            setup.used = true
            setup.codeDigest = ""
            try await writer.put(StoredRecord(kind: Self.setupKind, key: Self.setupKey, value: try Self.encode(setup)))
        }
        closeSetupFile()
        if case .updated(let resource) = outcome { await directory.waitUntilApplied(resource.revision) }
        if case .created(let resource) = outcome { await directory.waitUntilApplied(resource.revision) }
        logger.notice("setup done: '\(username)' is the first cluster admin; the setup path is closed")
    }

    private func closeSetupFile() {
        if FileManager.default.fileExists(atPath: setupCodePath) { try? FileManager.default.removeItem(atPath: setupCodePath) }
    }
}
