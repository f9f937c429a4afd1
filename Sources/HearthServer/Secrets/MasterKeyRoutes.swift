import HearthCore
import HearthSecurity
import HearthStore
import Hummingbird

/// The master key's admin routes: its status, and rotation (only cluster-admins hold the verbs).
struct MasterKeyRoutes: Sendable {
    let keys: MasterKeyKeeper
    let store: Store

    func register(on api: APIRouter) {
        api.add(
            .get, "/v1/admin/master-key", permission: .action(verb: Verbs.get, resource: "master-key"),
            summary: "The master key ring: key ids (never keys), what each seals, the rewrap job's progress"
        ) { _, _ in try await JSONResponse.make(status()) }
        api.add(
            .post, "/v1/admin/master-key/rotate", permission: .action(verb: "rotate", resource: "master-key"),
            summary: "Rotate the master key: a new current key; stored values are rewrapped in the background and the old key retired"
        ) { _, _ in
            try keys.rotate()
            return try JSONResponse.make(try await status(), status: .accepted)
        }
    }

    private func status() async throws -> MasterKeyStatus {
        let ring = keys.currentRing
        let usage = try await store.secretKeyUsage()
        return MasterKeyStatus(ring: ring, usage: usage, progress: keys.rewrapProgress)
    }
}
