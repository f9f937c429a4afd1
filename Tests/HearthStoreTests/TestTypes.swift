import HearthCore

/// Resource types that exist only in these tests: `widgets` reference `gadgets` by name in the
/// same namespace (`spec.gadget`).
enum TestTypes {
    static let gadgets = ResourceType(
        name: "gadgets", kind: "Gadget", scope: .namespaced,
        description: "A test-only thing that widgets point at.",
        schema: .object(["color": .string()]))

    static let widgets = ResourceType(
        name: "widgets", kind: "Widget", scope: .namespaced,
        description: "A test-only thing with a size that may point at a gadget.",
        schema: .object(["size": .integer(minimum: 1), "gadget": .string(format: "dns-label")]),
        references: [ReferenceField(path: ["gadget"], targetType: "gadgets")])

    static let registry = TypeRegistry(BuiltinTypes.all + [widgets, gadgets])
}
