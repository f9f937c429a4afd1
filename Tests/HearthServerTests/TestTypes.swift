import HearthCore

/// Test-only resource types that exercise the generic machinery: a namespaced `gadgets` type, and
/// a `widgets` type that references gadgets, validates a rule in code and has a controller.
enum APITestTypes {
    static let gadgets = ResourceType(
        name: "gadgets", kind: "Gadget", scope: .namespaced, description: "A test gadget.",
        schema: .object(["color": .string(enum: ["red", "green", "blue"])]))

    static let widgets = ResourceType(
        name: "widgets", kind: "Widget", scope: .namespaced, description: "A test widget.",
        schema: .object(
            [
                "size": .integer(minimum: 1, maximum: 100),
                "gadget": .string(format: "dns-label"),
                "fail": .boolean(),
                "ports": .array(of: .object(["port": .integer(minimum: 1, maximum: 65535)], required: ["port"])),
            ], required: ["size"]),
        references: [ReferenceField(path: ["gadget"], targetType: "gadgets")],
        rules: { spec in
            spec["size"]?.int64Value == 13 ? [FieldViolation(field: "spec.size", reason: "13 is unlucky")] : []
        },
        reconciler: WidgetReconciler())

    static let clusterThings = ResourceType(
        name: "things", kind: "Thing", scope: .cluster, description: "A cluster-scoped test type.",
        schema: .object(["note": .string(maxLength: 64)]))

    static var registry: TypeRegistry {
        var registry = TypeRegistry.standard
        for type in [gadgets, widgets, clusterThings] { registry.register(type) }
        return registry
    }
}

struct WidgetReconciler: Reconciler {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the widget asked to fail" }
    }

    func reconcile(_ resource: Resource) async throws -> ResourceStatus {
        if resource.spec["fail"]?.boolValue == true { throw Failure() }
        var status = resource.status
        status.phase = .ready
        status.message = "size \(resource.spec["size"]?.int64Value ?? 0)"
        return status
    }
}
