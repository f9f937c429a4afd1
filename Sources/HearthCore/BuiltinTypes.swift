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
            "owners": subjectList("Subjects with the owner role here: they manage everything inside, including who owns and who is a member. The creator is added."),
            "editors": subjectList("Subjects with the editor role here: they read and write resources, but not roles, role bindings or the namespace."),
            "viewers": subjectList("Subjects with the viewer role here: they read resources."),
        ]),
        rules: { spec in
            ["owners", "editors", "viewers"].flatMap { Subject.violations(ofList: spec[$0], field: "spec.\($0)") }
        },
        reconciler: NamespaceReconciler(),
        createdStatus: ResourceStatus(
            phase: .ready, conditions: [Condition(type: "Ready", status: "True", reason: "Created")], observedVersion: 1)
    )

    static func subjectList(_ description: String) -> JSONSchema {
        .array(
            of: .string(description: "user:<name>, group:<name> or serviceaccount:<namespace>/<name>", maxLength: 300),
            description: description, maxItems: 1000)
    }

    /// Every built-in type: namespaces, the identity types and the service registry.
    public static var all: [ResourceType] { [namespaces] + IdentityTypes.all + RegistryTypes.all }
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
