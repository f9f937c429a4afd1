import Foundation
import Testing

@testable import HearthCore

@Suite("StatusWrite")
struct StatusWriteTests {
    static func violations(_ body: JSONValue) throws -> [String] {
        let error = try #require(throws: HearthError.self) { try StatusWrite.parse(body) }
        #expect(error.code == .invalid)
        return error.violations.map(\.description)
    }

    // MARK: Accepted bodies

    @Test("a full status parses into a ResourceStatus")
    func full() throws {
        let write = try StatusWrite.parse([
            "status": [
                "phase": "provisioning",
                "message": "creating the volume",
                "observedVersion": 3,
                "details": ["endpoint": "10.0.0.1:5432", "replicas": [1, 2], "ok": true],
                "conditions": [
                    [
                        "type": "Ready", "status": "False", "reason": "Provisioning", "message": "waiting",
                        "lastTransitionTime": "2024-05-01T12:00:00.000Z",
                    ],
                    ["type": "Scheduled", "status": "True"],
                ],
            ],
            "version": 3,
        ])
        #expect(write.version == 3)
        #expect(
            write.status
                == ResourceStatus(
                    phase: .provisioning,
                    conditions: [
                        Condition(
                            type: "Ready", status: "False", reason: "Provisioning", message: "waiting",
                            lastTransitionTime: "2024-05-01T12:00:00.000Z"),
                        Condition(type: "Scheduled", status: "True"),
                    ],
                    message: "creating the volume",
                    observedVersion: 3,
                    details: ["endpoint": "10.0.0.1:5432", "replicas": [1, 2], "ok": true]))
    }

    @Test("only the phase is required", arguments: ResourceStatus.Phase.allCases)
    func phaseOnly(_ phase: ResourceStatus.Phase) throws {
        let write = try StatusWrite.parse(["status": ["phase": .string(phase.rawValue)]])
        #expect(write.status == ResourceStatus(phase: phase))
        #expect(write.version == nil)
    }

    @Test("null optional fields count as absent")
    func nullFields() throws {
        let write = try StatusWrite.parse([
            "status": ["phase": "failed", "message": nil, "observedVersion": nil, "details": nil, "conditions": nil],
            "version": nil,
        ])
        #expect(write.status == ResourceStatus(phase: .failed))
        #expect(write.version == nil)
    }

    @Test("the fields of a resource echoed back around the status are ignored")
    func echoedResource() throws {
        let resource = Resource(
            type: "widgets", uid: "u", name: "w", namespace: "default", labels: ["a": "b"], owner: "o",
            createdAt: "2024-01-01T00:00:00.000Z", updatedAt: "2024-01-01T00:00:00.000Z", version: 7, revision: 9,
            spec: ["size": 1], status: ResourceStatus(phase: .ready, conditions: [Condition(type: "Ready", status: "True")]))
        let body = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(resource))
        let write = try StatusWrite.parse(body)
        #expect(write.status == resource.status)
        #expect(write.version == 7)
    }

    @Test("an integral double version is accepted")
    func doubleVersion() throws {
        #expect(try StatusWrite.parse(["status": ["phase": "ready"], "version": 2.0]).version == 2)
    }

    // MARK: Refused bodies

    @Test("a body that is not an object is a bad request", arguments: [JSONValue.null, "ready", [["status": [:]]]])
    func notAnObject(_ body: JSONValue) throws {
        let error = try #require(throws: HearthError.self) { try StatusWrite.parse(body) }
        #expect(error.code == .badRequest)
        #expect(error.message == "the request body must be a JSON object, not \(body.typeName)")
    }

    @Test("a status is required and must be an object", arguments: [JSONValue.object([:]), ["status": nil], ["status": "ready"], ["status": [1]]])
    func missingStatus(_ body: JSONValue) throws {
        #expect(try Self.violations(body) == ["status: is required and must be an object"])
    }

    @Test("unknown fields are named, even when the status is missing")
    func unknownFields() throws {
        #expect(
            try Self.violations(["phase": "ready"]) == [
                "phase: unknown field; a status is written as {status, version}",
                "status: is required and must be an object",
            ])
        #expect(
            try Self.violations(["status": ["phase": "ready"], "conditions": []]) == [
                "conditions: unknown field; a status is written as {status, version}"
            ])
    }

    @Test("the status is checked against the status schema, naming each field")
    func schemaViolations() throws {
        let violations = try Self.violations([
            "status": [
                "phase": "done",
                "observedVersion": -1,
                "extra": 1,
                "conditions": [
                    ["type": "Ready", "status": "Yes"],
                    ["status": "True"],
                    ["type": "", "status": "True", "color": "red"],
                ],
            ],
            "version": "1",
        ])
        #expect(
            violations == [
                "status.conditions[0].status: must be one of 'True', 'False', 'Unknown'",
                "status.conditions[1].type: is required",
                "status.conditions[2].color: unknown field",
                "status.conditions[2].type: must be at least 1 characters long",
                "status.extra: unknown field",
                "status.observedVersion: must be at least 0",
                "status.phase: must be one of 'pending', 'provisioning', 'ready', 'failed', 'deleting'",
                "version: must be a non-negative integer",
            ])
    }

    @Test("a phase is required")
    func phaseRequired() throws {
        #expect(try Self.violations(["status": [:]]) == ["status.phase: is required"])
        #expect(try Self.violations(["status": ["phase": nil]]).contains("status.phase: is required"))
    }

    @Test("message lengths and the number of conditions are bounded")
    func bounds() throws {
        let long = String(repeating: "m", count: 4097)
        #expect(try Self.violations(["status": ["phase": "ready", "message": .string(long)]]) == [
            "status.message: must be at most 4096 characters long"
        ])
        let conditions = JSONValue.array((0..<65).map { ["type": .string("C\($0)"), "status": "True"] })
        #expect(try Self.violations(["status": ["phase": "ready", "conditions": conditions]]) == [
            "status.conditions: must have at most 64 items"
        ])
    }

    @Test("version must be a non-negative integer", arguments: [JSONValue.int(-1), .double(0.5), .string("2"), .bool(false)])
    func badVersion(_ version: JSONValue) throws {
        #expect(
            try Self.violations(["status": ["phase": "ready"], "version": version]) == [
                "version: must be a non-negative integer"
            ])
    }

    @Test("the status schema is served as JSON Schema")
    func schema() throws {
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(StatusWrite.statusSchema))
        #expect(json["type"] == "object")
        #expect(json["required"] == ["phase"])
        #expect(json["properties"]?["phase"]?["enum"] == ["pending", "provisioning", "ready", "failed", "deleting"])
        #expect(json["properties"]?["conditions"]?["maxItems"] == 64)
    }
}
