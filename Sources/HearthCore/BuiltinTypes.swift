/// The types Hearth always has.
public enum BuiltinTypes {
    public static let namespaceTypeName = "namespaces"

    /// Tenancy boundaries. Namespaced resources live in one; a namespace can be deleted only when
    /// empty, or with `?cascade=true`, which deletes everything inside.
    public static let namespaces = ResourceType(
        name: namespaceTypeName,
        kind: "Namespace",
        scope: .cluster,
        description: "A tenancy boundary that holds namespaced resources.",
        schema: .object([
            "description": .string(description: "What the namespace is for.", maxLength: 1024),
            "displayName": .string(description: "A human-friendly name.", maxLength: 128),
        ]),
        reconciler: NamespaceReconciler(),
        createdStatus: ResourceStatus(
            phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)
    )

    public static var all: [ResourceType] { [namespaces] }
}

/// Marks a namespace ready once it is stored: it has nothing to provision yet, but it shows the
/// controller machinery at work on every server.
struct NamespaceReconciler: Reconciler {
    func reconcile(_ resource: Resource) async throws -> ResourceStatus {
        var status = resource.status
        status.phase = .ready
        status.message = nil
        status.setCondition(Condition(type: "Ready", status: "True", reason: "Created"), now: Timestamp.now())
        return status
    }
}
