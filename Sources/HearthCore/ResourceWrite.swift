#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a user may write of a resource: `{name, labels, annotations, spec}` and, as a
/// precondition, the `version` they read. Parsing checks every field and collects every problem.
///
/// Read-only fields a client echoes back from a read (`uid`, `createdAt`, `status`, ...) are
/// accepted and ignored, so `get -o json | apply -f -` works; any other field is refused.
public struct ResourceWrite: Sendable, Hashable {
    public var name: String?
    public var labels: [String: String]
    public var annotations: [String: String]
    public var spec: JSONValue
    /// When set, the write applies only if the stored resource has this version (else 409).
    public var version: Int64?

    static let writableFields: Set<String> = ["name", "labels", "annotations", "spec", "version"]
    static let readOnlyFields: Set<String> = ["type", "uid", "namespace", "owner", "createdAt", "updatedAt", "revision", "status"]
    static let maxAnnotationBytes = 256 * 1024

    public init(
        name: String? = nil, labels: [String: String] = [:], annotations: [String: String] = [:],
        spec: JSONValue = .object([:]), version: Int64? = nil
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.spec = spec
        self.version = version
    }

    /// Parses and validates a write body for `type`. `namespace` is the one in the path (nil for
    /// cluster-scoped types); `name`, when the path has one, must agree with the body's.
    public static func parse(
        _ body: JSONValue, type: ResourceType, namespace: String?, name pathName: String?
    ) throws(HearthError) -> ResourceWrite {
        guard case .object(let object) = body else {
            throw HearthError(.badRequest, "the request body must be a JSON object, not \(body.typeName)")
        }
        var violations: [FieldViolation] = []
        for field in object.keys.sorted() where !writableFields.contains(field) && !readOnlyFields.contains(field) {
            violations.append(FieldViolation(field: field, reason: "unknown field; a resource is written as {name, labels, annotations, spec}"))
        }
        if let t = object["type"], t != .null, t != .string(type.name) {
            violations.append(FieldViolation(field: "type", reason: "must be '\(type.name)' to match the path"))
        }
        if let ns = object["namespace"], ns != .null {
            if type.scope == .cluster {
                violations.append(FieldViolation(field: "namespace", reason: "\(type.name) are cluster-scoped and have no namespace"))
            } else if ns != .string(namespace ?? "") {
                violations.append(FieldViolation(field: "namespace", reason: "must be '\(namespace ?? "")' to match the path"))
            }
        }

        var write = ResourceWrite()
        switch object["name"] {
        case nil, .null?:
            write.name = pathName
            if pathName == nil {
                violations.append(FieldViolation(field: "name", reason: "is required"))
            }
        case .string(let n)?:
            if let problem = Names.dnsLabelProblem(n) {
                violations.append(FieldViolation(field: "name", reason: problem))
            } else if let pathName, pathName != n {
                violations.append(FieldViolation(field: "name", reason: "'\(n)' does not match '\(pathName)' in the path"))
            }
            write.name = n
        case let other?:
            violations.append(FieldViolation(field: "name", reason: "must be a string, not \(other.typeName)"))
        }

        write.labels = parseStringMap(object["labels"], field: "labels", values: Names.labelValueProblem, into: &violations)
        write.annotations = parseStringMap(object["annotations"], field: "annotations", values: { _ in nil }, into: &violations)
        if write.annotations.reduce(0, { $0 + $1.key.utf8.count + $1.value.utf8.count }) > maxAnnotationBytes {
            violations.append(FieldViolation(field: "annotations", reason: "must total at most \(maxAnnotationBytes) bytes"))
        }

        switch object["version"] {
        case nil, .null?: break
        case let v?:
            if let version = v.int64Value, version >= 0 {
                write.version = version
            } else {
                violations.append(FieldViolation(field: "version", reason: "must be a non-negative integer"))
            }
        }

        let spec = object["spec"] ?? .object([:])
        write.spec = spec == .null ? .object([:]) : spec
        violations += type.validate(spec: write.spec)

        if !violations.isEmpty { throw HearthError.invalid(violations) }
        return write
    }

    private static func parseStringMap(
        _ value: JSONValue?, field: String, values: (String) -> String?, into violations: inout [FieldViolation]
    ) -> [String: String] {
        switch value {
        case nil, .null?:
            return [:]
        case .object(let object)?:
            var result: [String: String] = [:]
            for (key, raw) in object.sorted(by: { $0.key < $1.key }) {
                if let problem = Names.labelKeyProblem(key) {
                    violations.append(FieldViolation(field: "\(field).\(key)", reason: "key \(problem)"))
                    continue
                }
                guard case .string(let v) = raw else {
                    violations.append(FieldViolation(field: "\(field).\(key)", reason: "must be a string, not \(raw.typeName)"))
                    continue
                }
                if let problem = values(v) {
                    violations.append(FieldViolation(field: "\(field).\(key)", reason: problem))
                    continue
                }
                result[key] = v
            }
            return result
        case let other?:
            violations.append(FieldViolation(field: field, reason: "must be an object of strings, not \(other.typeName)"))
            return [:]
        }
    }

    /// The writable part of a stored resource, as a merge patch's target.
    public static func writableDocument(of resource: Resource) -> JSONValue {
        .object([
            "name": .string(resource.name),
            "labels": .object(resource.labels.mapValues { .string($0) }),
            "annotations": .object(resource.annotations.mapValues { .string($0) }),
            "spec": resource.spec,
        ])
    }

    /// The resource this write makes of `current` (nil when creating): checks the version
    /// precondition and keeps everything a user does not write.
    public func applied(to current: Resource?, key: ResourceKey, owner: String?) throws(HearthError) -> Resource {
        if let version {
            guard let current else {
                throw HearthError(.notFound, "\(key) does not exist (the write asked for version \(version))")
            }
            guard current.version == version else {
                throw HearthError(
                    .conflict,
                    "\(key) has version \(current.version), not \(version): it changed since you read it; read it again and retry")
            }
        }
        var resource = current ?? Resource(type: key.type, name: key.name, namespace: key.namespace.isEmpty ? nil : key.namespace, owner: owner)
        resource.labels = labels
        resource.annotations = annotations
        resource.spec = spec
        return resource
    }
}
