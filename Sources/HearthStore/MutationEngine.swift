import Foundation
import HearthCore

/// The mutation logic, written once for every backend: existence and version checks, reference
/// integrity, cascading deletes, version and revision bookkeeping, and the change log.
///
/// Invariant: every check that can refuse a mutation (a `HearthError`) runs before its first
/// write. A refused mutation therefore leaves nothing behind, and the writer can commit the rest
/// of its batch without a savepoint per mutation.
struct MutationEngine: Sendable {
    let registry: TypeRegistry

    func apply(
        _ mutation: Mutation, in transaction: any StoreTransaction, revisions: RevisionAllocator,
        events: inout [ChangeEvent]
    ) async throws -> MutationResult {
        switch mutation {
        case .put(let key, let mode, let transform):
            return try await put(key, mode: mode, transform: transform, in: transaction, revisions: revisions, events: &events)
        case .delete(let key, let expectedVersion, let cascade):
            return MutationResult(
                outcome: try await delete(key, expectedVersion: expectedVersion, cascade: cascade, in: transaction, revisions: revisions, events: &events),
                json: nil)
        }
    }

    private func put(
        _ key: ResourceKey, mode: PutMode, transform: @Sendable (Resource?) throws -> Resource,
        in tx: any StoreTransaction, revisions: RevisionAllocator, events: inout [ChangeEvent]
    ) async throws -> MutationResult {
        let current = try await tx.fetch(key)
        switch (mode, current) {
        case (.create, .some):
            throw HearthError(.alreadyExists, "\(key) already exists")
        case (.update, nil):
            throw HearthError(.notFound, "\(key) not found")
        default:
            break
        }
        var next: Resource
        do {
            next = try transform(current)
        } catch let error as HearthError {
            throw error
        } catch {
            throw HearthError(.badRequest, "the write cannot be applied: \(error)")
        }
        guard next.key == key else { throw HearthError(.badRequest, "a write may not move \(key) to \(next.key)") }

        if let current {
            let contentChanged = next.spec != current.spec || next.labels != current.labels || next.annotations != current.annotations
            if !contentChanged, next.status == current.status { return MutationResult(outcome: .unchanged(current), json: nil) }
            next.uid = current.uid
            next.createdAt = current.createdAt
            next.owner = current.owner
            next.version = contentChanged ? current.version + 1 : current.version
        }
        let type = try registry.require(key.type)
        if current == nil {
            next.uid = Self.newUID()
            next.createdAt = Timestamp.now()
            next.version = 1
            if var status = type.createdStatus, next.status == ResourceStatus() {
                let now = Timestamp.now()
                for index in status.conditions.indices { status.conditions[index].lastTransitionTime = now }
                next.status = status
            }
        }
        let references = type.referencedKeys(of: next, registry: registry)
        if current == nil || next.spec != current?.spec {
            for reference in references where try await !tx.exists(reference) {
                if reference.type == BuiltinTypes.namespaceTypeName {
                    throw HearthError(.notFound, "namespace '\(reference.name)' not found")
                }
                throw HearthError.invalid([FieldViolation(field: "spec", reason: "references \(reference), which does not exist")])
            }
        }
        next.updatedAt = Timestamp.now()
        next.revision = try await revisions.next()
        let encoded = try ResourceCodec.encode(next)
        let event = ChangeEvent(revision: next.revision, kind: current == nil ? .added : .modified, object: next)
        try await tx.put(next, encoded: encoded, references: references, replacing: current != nil, change: event, atMillis: Self.nowMillis())
        events.append(event)
        return MutationResult(outcome: current == nil ? .created(next) : .updated(next), json: encoded)
    }

    private func delete(
        _ key: ResourceKey, expectedVersion: Int64?, cascade: Bool,
        in tx: any StoreTransaction, revisions: RevisionAllocator, events: inout [ChangeEvent]
    ) async throws -> MutationOutcome {
        guard let target = try await tx.fetch(key) else {
            throw HearthError(.notFound, "\(key) not found")
        }
        if let expectedVersion, expectedVersion != target.version {
            throw HearthError(.conflict, "\(key) has version \(target.version), not \(expectedVersion): it changed since you read it")
        }
        let direct = try await tx.referrers(of: key)
        if !direct.isEmpty, !cascade {
            let names = direct.prefix(10).map(\.description).joined(separator: ", ")
            let more = direct.count > 10 ? " and \(direct.count - 10) more" : ""
            throw HearthError(.conflict, "\(key) is referenced by \(names)\(more); delete those first or pass ?cascade=true")
        }
        // Depth-first, so that everything is deleted after whatever references it.
        var order: [ResourceKey] = []
        var visited: Set<ResourceKey> = [key]
        func visit(_ referrers: [ResourceKey]) async throws {
            for referrer in referrers.sorted() where !visited.contains(referrer) {
                visited.insert(referrer)
                try await visit(try await tx.referrers(of: referrer))
                order.append(referrer)
            }
        }
        if cascade { try await visit(direct) }
        order.append(key)

        var deleted: [Resource] = []
        for k in order {
            guard var resource = k == key ? target : try await tx.fetch(k) else { continue }
            resource.revision = try await revisions.next()
            resource.updatedAt = Timestamp.now()
            resource.status.phase = .deleting
            let event = ChangeEvent(revision: resource.revision, kind: .deleted, object: resource)
            try await tx.remove(k, change: event, encoded: try ResourceCodec.encode(resource), atMillis: Self.nowMillis())
            events.append(event)
            deleted.append(resource)
            // A namespace's data planes go with it, so a namespace made later under the same name
            // starts empty.
            if k.type == BuiltinTypes.namespaceTypeName {
                try await tx.kvPurge(namespace: k.name)
                try await tx.purgeNamespaceData(k.name)
            }
        }
        return .deleted(deleted)
    }

    static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
