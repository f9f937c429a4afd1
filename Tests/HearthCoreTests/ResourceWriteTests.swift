import Foundation
import Testing

@testable import HearthCore

@Suite("ResourceWrite")
struct ResourceWriteTests {
    static let widgets = ResourceType(
        name: "widgets", kind: "Widget", scope: .namespaced, description: "A thing with a size.",
        schema: .object(
            [
                "size": .integer(minimum: 1),
                "ports": .array(of: .object(["port": .integer(minimum: 1, maximum: 65535)], required: ["port"])),
            ],
            required: ["size"]),
        rules: { spec in
            spec["size"]?.int64Value == 13 ? [FieldViolation(field: "spec.size", reason: "is unlucky")] : []
        })

    static let namespaces = BuiltinTypes.namespaces

    static func parse(
        _ body: JSONValue, type: ResourceType = widgets, namespace: String? = "default", name: String? = nil
    ) throws(HearthError) -> ResourceWrite {
        try ResourceWrite.parse(body, type: type, namespace: namespace, name: name)
    }

    /// The violations a body is refused with (fails the test if it is accepted).
    static func violations(
        _ body: JSONValue, type: ResourceType = widgets, namespace: String? = "default", name: String? = nil
    ) throws -> [String] {
        let error = try #require(throws: HearthError.self) {
            try parse(body, type: type, namespace: namespace, name: name)
        }
        #expect(error.code == .invalid)
        return error.violations.map(\.description)
    }

    // MARK: Accepted bodies

    @Test("a full body parses into its fields")
    func full() throws {
        let write = try Self.parse([
            "name": "w1",
            "labels": ["app": "web", "example.com/tier": "front", "empty": ""],
            "annotations": ["note": "anything goes here: spaces, ünïcödé, /slashes/", "example.com/x": ""],
            "spec": ["size": 2, "ports": [["port": 80]]],
            "version": 4,
        ])
        #expect(
            write
                == ResourceWrite(
                    name: "w1",
                    labels: ["app": "web", "example.com/tier": "front", "empty": ""],
                    annotations: ["note": "anything goes here: spaces, ünïcödé, /slashes/", "example.com/x": ""],
                    spec: ["size": 2, "ports": [["port": 80]]],
                    version: 4))
    }

    @Test("the name comes from the path when the body has none")
    func nameFromPath() throws {
        #expect(try Self.parse(["spec": ["size": 1]], name: "from-path").name == "from-path")
        #expect(try Self.parse(["name": nil, "spec": ["size": 1]], name: "from-path").name == "from-path")
    }

    @Test("a body name equal to the path's is accepted")
    func nameMatchesPath() throws {
        #expect(try Self.parse(["name": "same", "spec": ["size": 1]], name: "same").name == "same")
    }

    @Test("labels, annotations and version are optional, and null means absent")
    func optionalFields() throws {
        let write = try Self.parse(["name": "w", "labels": nil, "annotations": nil, "version": nil, "spec": ["size": 1]])
        #expect(write.labels.isEmpty)
        #expect(write.annotations.isEmpty)
        #expect(write.version == nil)
    }

    @Test("a missing or null spec is an empty object, checked against the schema")
    func missingSpec() throws {
        let cluster = try Self.parse(["name": "ns1"], type: Self.namespaces, namespace: nil)
        #expect(cluster.spec == [:])
        let nullSpec = try Self.parse(["name": "ns1", "spec": nil], type: Self.namespaces, namespace: nil)
        #expect(nullSpec.spec == [:])
        // widgets require spec.size, so an absent spec is refused.
        #expect(try Self.violations(["name": "w"]) == ["spec.size: is required"])
    }

    @Test("an integral double is accepted as a version")
    func doubleVersion() throws {
        #expect(try Self.parse(["name": "w", "spec": ["size": 1], "version": 7.0]).version == 7)
        #expect(try Self.parse(["name": "w", "spec": ["size": 1], "version": 0]).version == 0)
    }

    @Test("read-only fields echoed from a read are accepted and ignored")
    func readOnlyFields() throws {
        let body: JSONValue = [
            "type": "widgets",
            "uid": "0b6f3e1c-1111-2222-3333-444455556666",
            "namespace": "default",
            "owner": "alice",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "updatedAt": "2024-01-02T00:00:00.000Z",
            "revision": 99,
            "status": ["phase": "ready", "conditions": [], "whatever": true],
            "name": "w",
            "labels": ["app": "web"],
            "spec": ["size": 5],
            "version": 3,
        ]
        let write = try Self.parse(body, name: "w")
        #expect(write == ResourceWrite(name: "w", labels: ["app": "web"], spec: ["size": 5], version: 3))
    }

    @Test("null read-only fields are ignored too, even namespace on a cluster-scoped type")
    func nullReadOnly() throws {
        let write = try Self.parse(["name": "ns1", "namespace": nil, "type": nil], type: Self.namespaces, namespace: nil)
        #expect(write.name == "ns1")
    }

    @Test("a get -o json of a stored resource can be written back as is")
    func echoOfStoredResource() throws {
        let stored = Resource(
            type: "widgets", uid: "u-1", name: "w", namespace: "default", labels: ["a": "b"], annotations: ["n": "x y"],
            owner: "bob", createdAt: "2024-01-01T00:00:00.000Z", updatedAt: "2024-01-01T00:00:00.000Z",
            version: 2, revision: 10, spec: ["size": 3],
            status: ResourceStatus(phase: .ready, conditions: [Condition(type: "Ready", status: "True")]))
        let body = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(stored))
        #expect(body["uid"] == "u-1")
        #expect(body["status"]?["phase"] == "ready")
        let write = try Self.parse(body, name: "w")
        #expect(write == ResourceWrite(name: "w", labels: ["a": "b"], annotations: ["n": "x y"], spec: ["size": 3], version: 2))
    }

    // MARK: Refused bodies

    @Test("a body that is not an object is a bad request", arguments: [JSONValue.null, 1, "w", [["name": "w"]], true])
    func notAnObject(_ body: JSONValue) throws {
        let error = try #require(throws: HearthError.self) { try Self.parse(body) }
        #expect(error.code == .badRequest)
        #expect(error.message == "the request body must be a JSON object, not \(body.typeName)")
    }

    @Test("unknown top-level fields are refused, each named")
    func unknownFields() throws {
        let violations = try Self.violations(["name": "w", "spec": ["size": 1], "metadata": [:], "kind": "Widget", "Spec": 1])
        #expect(
            violations == [
                "Spec: unknown field; a resource is written as {name, labels, annotations, spec}",
                "kind: unknown field; a resource is written as {name, labels, annotations, spec}",
                "metadata: unknown field; a resource is written as {name, labels, annotations, spec}",
            ])
    }

    @Test("a body name that differs from the path is refused")
    func nameMismatch() throws {
        #expect(
            try Self.violations(["name": "other", "spec": ["size": 1]], name: "w")
                == ["name: 'other' does not match 'w' in the path"])
    }

    @Test("a name is required when neither the body nor the path has one")
    func nameRequired() throws {
        #expect(try Self.violations(["spec": ["size": 1]]) == ["name: is required"])
        #expect(try Self.violations(["name": nil, "spec": ["size": 1]]) == ["name: is required"])
    }

    @Test(
        "a name must be a DNS label",
        arguments: ["", "Web", "web_1", "-web", "web-", "wéb", String(repeating: "a", count: 64)])
    func invalidName(_ name: String) throws {
        let reason = try #require(Names.dnsLabelProblem(name))
        #expect(try Self.violations(["name": .string(name), "spec": ["size": 1]]) == ["name: \(reason)"])
    }

    @Test("a name must be a string", arguments: [JSONValue.int(1), .bool(true), .array(["w"]), .object([:])])
    func nonStringName(_ name: JSONValue) throws {
        #expect(
            try Self.violations(["name": name, "spec": ["size": 1]], name: "w")
                == ["name: must be a string, not \(name.typeName)"])
        // Without a path name too, the name was given, so it is not reported as missing.
        #expect(try Self.violations(["name": name, "spec": ["size": 1]]) == ["name: must be a string, not \(name.typeName)"])
    }

    @Test("label values must be strings")
    func nonStringLabels() throws {
        let violations = try Self.violations([
            "name": "w", "spec": ["size": 1],
            "labels": ["count": 3, "flag": true, "none": nil, "list": ["a"], "ok": "fine"],
        ])
        #expect(
            violations == [
                "labels.count: must be a string, not integer",
                "labels.flag: must be a string, not boolean",
                "labels.list: must be a string, not array",
                "labels.none: must be a string, not null",
            ])
    }

    @Test("labels and annotations must be objects", arguments: [JSONValue.array([]), "a=b", 1])
    func nonObjectMaps(_ value: JSONValue) throws {
        #expect(
            try Self.violations(["name": "w", "spec": ["size": 1], "labels": value])
                == ["labels: must be an object of strings, not \(value.typeName)"])
        #expect(
            try Self.violations(["name": "w", "spec": ["size": 1], "annotations": value])
                == ["annotations: must be an object of strings, not \(value.typeName)"])
    }

    @Test("label keys and values are checked; annotation values are free-form but keys are not")
    func labelRules() throws {
        let violations = try Self.violations([
            "name": "w", "spec": ["size": 1],
            "labels": ["bad key": "v", "good": "bad value", "Example.com/x": "v", "long": .string(String(repeating: "v", count: 64))],
            "annotations": ["ok": "any value at all", "-bad": "x"],
        ])
        #expect(
            violations == [
                "labels.Example.com/x: key prefix each dot-separated part must consist of lowercase letters, digits and '-' (found 'E')",
                "labels.bad key: key must consist of letters, digits, '-', '_' and '.'",
                "labels.good: must consist of letters, digits, '-', '_' and '.'",
                "labels.long: must be at most 63 characters long",
                "annotations.-bad: key must start and end with a letter or digit",
            ])
    }

    @Test("annotations may total at most 256 KiB")
    func annotationSize() throws {
        let half = String(repeating: "x", count: 128 * 1024)
        // Keys count too: "a" + "b" pushes two halves over the limit.
        let violations = try Self.violations(["name": "w", "spec": ["size": 1], "annotations": ["a": .string(half), "b": .string(half)]])
        #expect(violations == ["annotations: must total at most 262144 bytes"])
        let fits = try Self.parse(["name": "w", "spec": ["size": 1], "annotations": ["a": .string(String(half.dropLast())), "b": .string(String(half.dropLast()))]])
        #expect(fits.annotations.count == 2)
    }

    @Test(
        "version must be a non-negative integer",
        arguments: [JSONValue.int(-1), .double(1.5), .string("3"), .bool(true), .array([]), .double(1e17)])
    func badVersion(_ version: JSONValue) throws {
        #expect(
            try Self.violations(["name": "w", "spec": ["size": 1], "version": version])
                == ["version: must be a non-negative integer"])
    }

    @Test("type and namespace, when given, must match the path")
    func typeAndNamespaceMismatch() throws {
        let violations = try Self.violations(
            ["name": "w", "spec": ["size": 1], "type": "gadgets", "namespace": "prod"], namespace: "default")
        #expect(
            violations == [
                "type: must be 'widgets' to match the path",
                "namespace: must be 'default' to match the path",
            ])
        #expect(
            try Self.violations(["name": "w", "spec": ["size": 1], "namespace": 5], namespace: "default")
                == ["namespace: must be 'default' to match the path"])
    }

    @Test("a cluster-scoped type refuses a namespace")
    func clusterNamespace() throws {
        #expect(
            try Self.violations(["name": "ns1", "namespace": "default"], type: Self.namespaces, namespace: nil)
                == ["namespace: namespaces are cluster-scoped and have no namespace"])
    }

    @Test("the spec is checked against the type's schema, then its rules")
    func specValidation() throws {
        #expect(
            try Self.violations(["name": "w", "spec": ["size": 0, "ports": [["port": 70000]], "colour": "red"]]) == [
                "spec.colour: unknown field",
                "spec.ports[0].port: must be at most 65535",
                "spec.size: must be at least 1",
            ])
        #expect(try Self.violations(["name": "w", "spec": ["size": 13]]) == ["spec.size: is unlucky"])
        #expect(try Self.violations(["name": "w", "spec": "big"]) == ["spec: must be an object, not string"])
    }

    @Test("every problem is reported at once")
    func allProblems() throws {
        let error = try #require(throws: HearthError.self) {
            try Self.parse(
                ["name": "Bad", "labels": ["k": 1], "version": -1, "spec": ["size": "x"], "extra": 1], name: "bad")
        }
        #expect(error.code == .invalid)
        #expect(error.code.status == 422)
        #expect(
            error.violations.map(\.field) == ["extra", "name", "labels.k", "version", "spec.size"])
        #expect(error.message.hasPrefix("invalid resource: extra: unknown field"))
        #expect(error.message.hasSuffix(" and 2 more"))
    }

    // MARK: writableDocument

    @Test("the writable document of a resource has exactly the writable fields")
    func writableDocument() {
        let resource = Resource(
            type: "widgets", uid: "u", name: "w", namespace: "default", labels: ["a": "b"], annotations: ["c": "d"],
            owner: "o", version: 3, spec: ["size": 2], status: ResourceStatus(phase: .ready))
        #expect(
            ResourceWrite.writableDocument(of: resource)
                == ["name": "w", "labels": ["a": "b"], "annotations": ["c": "d"], "spec": ["size": 2]])
    }

    @Test("a merge patch of the writable document parses back")
    func patchOfWritableDocument() throws {
        let resource = Resource(type: "widgets", name: "w", namespace: "default", labels: ["a": "b", "x": "y"], spec: ["size": 2])
        let patched = MergePatch.apply(
            ["labels": ["x": nil], "spec": ["size": 4]], to: ResourceWrite.writableDocument(of: resource))
        let write = try Self.parse(patched, name: "w")
        #expect(write == ResourceWrite(name: "w", labels: ["a": "b"], spec: ["size": 4]))
    }

    // MARK: applied(to:key:owner:)

    static let key = ResourceKey(type: "widgets", namespace: "default", name: "w")

    static let stored = Resource(
        type: "widgets", uid: "uid-1", name: "w", namespace: "default", labels: ["old": "label"],
        annotations: ["old": "note"], owner: "alice", createdAt: "2024-01-01T00:00:00.000Z",
        updatedAt: "2024-01-02T00:00:00.000Z", version: 5, revision: 42, spec: ["size": 1],
        status: ResourceStatus(phase: .ready, message: "fine", observedVersion: 5))

    @Test("creating makes a new resource from the key and owner")
    func createNamespaced() throws {
        let write = ResourceWrite(name: "w", labels: ["a": "b"], annotations: ["n": "v"], spec: ["size": 2])
        let resource = try write.applied(to: nil, key: Self.key, owner: "bob")
        #expect(resource.type == "widgets")
        #expect(resource.name == "w")
        #expect(resource.namespace == "default")
        #expect(resource.owner == "bob")
        #expect(resource.labels == ["a": "b"])
        #expect(resource.annotations == ["n": "v"])
        #expect(resource.spec == ["size": 2])
        #expect(resource.status == ResourceStatus())
        #expect(resource.version == 0)
        #expect(resource.key == Self.key)
    }

    @Test("creating a cluster-scoped resource leaves its namespace nil")
    func createClusterScoped() throws {
        let key = ResourceKey(type: "namespaces", name: "prod")
        let resource = try ResourceWrite(name: "prod").applied(to: nil, key: key, owner: nil)
        #expect(resource.namespace == nil)
        #expect(resource.owner == nil)
        #expect(resource.key == key)
    }

    @Test("updating replaces labels, annotations and spec and keeps everything else")
    func update() throws {
        let write = ResourceWrite(name: "w", labels: ["new": "label"], spec: ["size": 9])
        let resource = try write.applied(to: Self.stored, key: Self.key, owner: "mallory")
        var expected = Self.stored
        expected.labels = ["new": "label"]
        expected.annotations = [:]
        expected.spec = ["size": 9]
        #expect(resource == expected)
        #expect(resource.owner == "alice")
        #expect(resource.uid == "uid-1")
        #expect(resource.status == Self.stored.status)
        #expect(resource.version == 5)
    }

    @Test("a matching version lets the write through")
    func matchingVersion() throws {
        let resource = try ResourceWrite(name: "w", spec: ["size": 2], version: 5).applied(to: Self.stored, key: Self.key, owner: nil)
        #expect(resource.spec == ["size": 2])
    }

    @Test("a stale version is a conflict", arguments: [Int64(0), 4, 6, 100])
    func staleVersion(_ version: Int64) throws {
        let error = try #require(throws: HearthError.self) {
            try ResourceWrite(name: "w", spec: ["size": 2], version: version).applied(to: Self.stored, key: Self.key, owner: nil)
        }
        #expect(error.code == .conflict)
        #expect(error.code.status == 409)
        #expect(error.message.contains("widgets/default/w has version 5, not \(version)"))
    }

    @Test("a version for a missing resource is not found")
    func versionOfMissing() throws {
        let error = try #require(throws: HearthError.self) {
            try ResourceWrite(name: "w", version: 1).applied(to: nil, key: Self.key, owner: "bob")
        }
        #expect(error.code == .notFound)
        #expect(error.message == "widgets/default/w does not exist (the write asked for version 1)")
    }

    @Test("without a version, writes apply whatever the stored version")
    func noVersion() throws {
        #expect(throws: Never.self) {
            _ = try ResourceWrite(name: "w").applied(to: Self.stored, key: Self.key, owner: nil)
            _ = try ResourceWrite(name: "w").applied(to: nil, key: Self.key, owner: nil)
        }
    }
}
