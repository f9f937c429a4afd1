#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A write of the `status` subresource: `{status: {phase, conditions, message, ...}, version?}`.
public struct StatusWrite: Sendable, Hashable {
    public var status: ResourceStatus
    public var version: Int64?

    public init(status: ResourceStatus, version: Int64? = nil) {
        self.status = status
        self.version = version
    }

    public static func parse(_ body: JSONValue) throws(HearthError) -> StatusWrite {
        guard case .object(let object) = body else {
            throw HearthError(.badRequest, "the request body must be a JSON object, not \(body.typeName)")
        }
        var violations: [FieldViolation] = []
        for field in object.keys.sorted() where field != "status" && field != "version" && !ResourceWrite.readOnlyFields.contains(field) && !ResourceWrite.writableFields.contains(field) {
            violations.append(FieldViolation(field: field, reason: "unknown field; a status is written as {status, version}"))
        }
        guard let statusValue = object["status"], case .object(let statusObject) = statusValue else {
            violations.append(FieldViolation(field: "status", reason: "is required and must be an object"))
            throw HearthError.invalid(violations)
        }
        violations += statusSchema.validate(.object(statusObject), at: "status")
        var version: Int64?
        if let v = object["version"], v != .null {
            if let n = v.int64Value, n >= 0 { version = n } else {
                violations.append(FieldViolation(field: "version", reason: "must be a non-negative integer"))
            }
        }
        if !violations.isEmpty { throw HearthError.invalid(violations) }
        do {
            let data = try JSONEncoder().encode(statusValue)
            return StatusWrite(status: try JSONDecoder().decode(ResourceStatus.self, from: data), version: version)
        } catch {
            throw HearthError.invalid([FieldViolation(field: "status", reason: "is not a valid status")])
        }
    }

    /// The JSON Schema of a status.
    public static let statusSchema = JSONSchema.object(
        [
            "phase": .string(enum: ResourceStatus.Phase.allCases.map(\.rawValue)),
            "message": .string(maxLength: 4096),
            "observedVersion": .integer(minimum: 0),
            "details": .any,
            "conditions": .array(
                of: .object(
                    [
                        "type": .string(minLength: 1, maxLength: 128),
                        "status": .string(enum: ["True", "False", "Unknown"]),
                        "reason": .string(maxLength: 256),
                        "message": .string(maxLength: 4096),
                        "lastTransitionTime": .string(maxLength: 64),
                    ], required: ["type", "status"]), maxItems: 64),
        ], required: ["phase"])
}
