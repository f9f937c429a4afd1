import Testing

@testable import HearthCore

@Suite("TypeRegistry")
struct TypeRegistryTests {
    static func type(_ name: String, scope: ResourceType.Scope = .namespaced, references: [ReferenceField] = []) -> ResourceType {
        ResourceType(
            name: name, kind: name.prefix(1).uppercased() + name.dropFirst(), scope: scope, description: "test type \(name)",
            schema: .object(["target": .string(), "targets": .array(of: .string()), "size": .integer()]),
            references: references)
    }

    @Test("an empty registry has no types and 404s every lookup")
    func empty() throws {
        let registry = TypeRegistry()
        #expect(registry.all.isEmpty)
        #expect(registry["namespaces"] == nil)
        let error = try #require(throws: HearthError.self) { try registry.require("widgets") }
        #expect(error.code == .notFound)
        #expect(error.code.status == 404)
        #expect(error.message == "unknown resource type 'widgets'; GET /v1/resource-types lists the types")
    }

    @Test("registered types are found by name")
    func lookup() throws {
        var registry = TypeRegistry([Self.type("widgets")])
        registry.register(Self.type("gadgets", scope: .cluster))
        #expect(registry["widgets"]?.kind == "Widgets")
        #expect(registry["gadgets"]?.scope == .cluster)
        #expect(try registry.require("gadgets").name == "gadgets")
        #expect(registry["Widgets"] == nil)
        #expect(registry["widget"] == nil)
        #expect(throws: HearthError(.notFound, "")) { try registry.require("widget") }
    }

    @Test("all lists the types sorted by name")
    func allSorted() {
        let registry = TypeRegistry(["zebras", "apples", "mangos", "bananas"].map { Self.type($0) })
        #expect(registry.all.map(\.name) == ["apples", "bananas", "mangos", "zebras"])
    }

    @Test("the builtin registry has namespaces, the identity types and the service registry")
    func builtin() throws {
        let registry = TypeRegistry.builtin
        #expect(
            registry.all.map(\.name) == [
                "clusterrolebindings", "groups", "instances", "namespaces", "rolebindings", "roles", "serviceaccounts", "services", "users",
            ])
        let namespaces = try registry.require(BuiltinTypes.namespaceTypeName)
        #expect(namespaces.kind == "Namespace")
        #expect(namespaces.scope == .cluster)
        #expect(namespaces.reconciler != nil)
        #expect(namespaces.validate(spec: ["description": "team a", "displayName": "Team A"]).isEmpty)
        #expect(namespaces.validate(spec: [:]).isEmpty)
        #expect(namespaces.validate(spec: ["owner": "x"]).map(\.description) == ["spec.owner: unknown field"])
        #expect(
            namespaces.validate(spec: ["displayName": .string(String(repeating: "x", count: 129))]).map(\.description)
                == ["spec.displayName: must be at most 128 characters long"])
    }

    @Test("the namespace reconciler marks a namespace ready")
    func namespaceReconciler() async throws {
        let reconciler = try #require(BuiltinTypes.namespaces.reconciler)
        let namespace = Resource(type: "namespaces", name: "team-a", status: ResourceStatus(message: "old"))
        let status = try await reconciler.reconcile(namespace)
        #expect(status.phase == .ready)
        #expect(status.message == nil)
        #expect(status.conditions.count == 1)
        #expect(status.conditions.first?.type == "Ready")
        #expect(status.conditions.first?.status == "True")
        #expect(status.conditions.first?.reason == "Created")
        #expect(status.conditions.first?.lastTransitionTime != nil)
    }

    // MARK: ResourceType

    @Test("a type validates its spec with the schema first, then its rules")
    func validateOrder() {
        let type = ResourceType(
            name: "widgets", kind: "Widget", scope: .namespaced, description: "",
            schema: .object(["size": .integer()], required: ["size"]),
            rules: { spec in
                (spec["size"]?.int64Value ?? 0) % 2 == 1 ? [FieldViolation(field: "spec.size", reason: "must be even")] : []
            })
        #expect(type.validate(spec: ["size": 2]).isEmpty)
        #expect(type.validate(spec: ["size": 3]) == [FieldViolation(field: "spec.size", reason: "must be even")])
        // With schema violations the rules do not run.
        #expect(type.validate(spec: ["size": 3, "x": 1]) == [FieldViolation(field: "spec.x", reason: "unknown field")])
        #expect(type.validate(spec: [:]) == [FieldViolation(field: "spec.size", reason: "is required")])
    }

    @Test("referenced keys include the namespace and every reference, resolved by target scope")
    func referencedKeys() {
        let widgets = Self.type(
            "widgets",
            references: [
                ReferenceField(path: ["target"], targetType: "gadgets"),
                ReferenceField(path: ["targets"], targetType: "clusters"),
            ])
        let registry = TypeRegistry([widgets, Self.type("gadgets"), Self.type("clusters", scope: .cluster)])
        let resource = Resource(
            type: "widgets", name: "w", namespace: "team-a", spec: ["target": "g1", "targets": ["c1", 7, "c2"]])
        #expect(
            widgets.referencedKeys(of: resource, registry: registry) == [
                ResourceKey(type: "namespaces", name: "team-a"),
                ResourceKey(type: "gadgets", namespace: "team-a", name: "g1"),
                ResourceKey(type: "clusters", name: "c1"),
                ResourceKey(type: "clusters", name: "c2"),
            ])
    }

    @Test("a cluster-scoped resource with no references refers to nothing")
    func noReferences() {
        let clusters = Self.type("clusters", scope: .cluster, references: [ReferenceField(path: ["target"], targetType: "clusters")])
        let resource = Resource(type: "clusters", name: "c", spec: ["size": 1])
        #expect(clusters.referencedKeys(of: resource, registry: TypeRegistry([clusters])).isEmpty)
    }

    @Test("a reference to an unregistered type is looked up cluster-wide")
    func unknownTarget() {
        let widgets = Self.type("widgets", references: [ReferenceField(path: ["target"], targetType: "mystery")])
        let resource = Resource(type: "widgets", name: "w", namespace: "ns", spec: ["target": "m"])
        #expect(
            widgets.referencedKeys(of: resource, registry: TypeRegistry([widgets])) == [
                ResourceKey(type: "namespaces", name: "ns"), ResourceKey(type: "mystery", name: "m"),
            ])
    }

    @Test("reference fields read a name, an array of names, or nothing")
    func referenceFieldNames() {
        let field = ReferenceField(path: ["a", "b"], targetType: "x")
        #expect(field.names(in: ["a": ["b": "one"]]) == ["one"])
        #expect(field.names(in: ["a": ["b": ["one", 2, nil, "two"]]]) == ["one", "two"])
        #expect(field.names(in: ["a": ["b": 5]]).isEmpty)
        #expect(field.names(in: ["a": "b"]).isEmpty)
        #expect(field.names(in: [:]).isEmpty)
    }

    // MARK: Programming errors

    @Test("registering two types with one name traps")
    func duplicate() async {
        await #expect(processExitsWith: .failure) {
            var registry = TypeRegistry()
            let make = {
                ResourceType(name: "widgets", kind: "Widget", scope: .namespaced, description: "", schema: .any)
            }
            registry.register(make())
            registry.register(make())
        }
    }

    @Test("'status' is reserved for the status subresource")
    func reservedStatus() async {
        await #expect(processExitsWith: .failure) {
            _ = TypeRegistry([ResourceType(name: "status", kind: "Status", scope: .cluster, description: "", schema: .any)])
        }
    }

    @Test("a type name must be a DNS label")
    func invalidTypeName() async {
        await #expect(processExitsWith: .failure) {
            _ = ResourceType(name: "Widgets", kind: "Widget", scope: .cluster, description: "", schema: .any)
        }
    }
}
