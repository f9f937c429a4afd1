/// The one declaration that adds a type to Hearth.
///
/// ```swift
/// let widgets = ResourceType(
///     name: "widgets", kind: "Widget", scope: .namespaced,
///     description: "A thing with a size.",
///     schema: .object(["size": .integer(minimum: 1)], required: ["size"]),
///     references: [ReferenceField(path: ["gadget"], targetType: "gadgets")],
///     rules: { spec in [] },
///     reconciler: WidgetReconciler()
/// )
/// ```
/// Registering it in the ``TypeRegistry`` gives it the whole resource API (CRUD, merge patch,
/// list with selectors and pagination, watch, the status subresource), its schema under
/// `GET /v1/resource-types`, reference checks on write and delete, and its controller.
public struct ResourceType: Sendable {
    public enum Scope: String, Sendable, Codable {
        /// Lives in a namespace: `/v1/namespaces/{ns}/{type}/{name}`.
        case namespaced
        /// Lives once per cluster: `/v1/{type}/{name}`.
        case cluster
    }

    /// The plural, lowercase name used in paths (a DNS label).
    public let name: String
    /// The singular, capitalised name used in messages and documents.
    public let kind: String
    public let scope: Scope
    public let description: String
    /// The schema of `spec`.
    public let schema: JSONSchema
    public let references: [ReferenceField]
    /// Validation beyond the schema, run after it passes; returns the fields at fault.
    public let rules: @Sendable (JSONValue) -> [FieldViolation]
    public let reconciler: (any Reconciler)?
    /// The status a new resource is stored with. For a type with nothing to provision, a ready
    /// status with `observedVersion` 1 spares its controller a write per creation; the controller
    /// still reconciles every later change. nil: `pending`, for the controller to move on.
    public let createdStatus: ResourceStatus?

    public init(
        name: String, kind: String, scope: Scope, description: String, schema: JSONSchema,
        references: [ReferenceField] = [], rules: @escaping @Sendable (JSONValue) -> [FieldViolation] = { _ in [] },
        reconciler: (any Reconciler)? = nil, createdStatus: ResourceStatus? = nil
    ) {
        precondition(Names.isDNSLabel(name), "resource type name '\(name)' must be a DNS label")
        self.name = name
        self.kind = kind
        self.scope = scope
        self.description = description
        self.schema = schema
        self.references = references
        self.rules = rules
        self.reconciler = reconciler
        self.createdStatus = createdStatus
    }

    /// Checks a spec against the schema and then the rules.
    public func validate(spec: JSONValue) -> [FieldViolation] {
        let violations = schema.validate(spec, at: "spec")
        if !violations.isEmpty { return violations }
        return rules(spec)
    }

    /// The resources a resource of this type references, its namespace included.
    public func referencedKeys(of resource: Resource, registry: TypeRegistry) -> [ResourceKey] {
        var keys: [ResourceKey] = []
        if let namespaceKey = resource.key.namespaceKey { keys.append(namespaceKey) }
        for field in references {
            let targetNamespace = registry[field.targetType]?.scope == .namespaced ? (resource.namespace ?? "") : ""
            for name in field.names(in: resource.spec) {
                keys.append(ResourceKey(type: field.targetType, namespace: targetNamespace, name: name))
            }
        }
        return keys
    }
}
