import Foundation
import Testing

@testable import HearthCore

@Suite("ResourceStatus")
struct ResourceStatusTests {
    static let t0 = "2024-01-01T00:00:00.000Z"
    static let t1 = "2024-01-01T00:05:00.000Z"
    static let t2 = "2024-01-01T00:10:00.000Z"

    @Test("a new status is pending with no conditions")
    func defaults() {
        let status = ResourceStatus()
        #expect(status.phase == .pending)
        #expect(status.conditions.isEmpty)
        #expect(status.message == nil)
        #expect(status.observedVersion == nil)
        #expect(status.details == nil)
    }

    @Test("the phases, in lifecycle order")
    func phases() {
        #expect(ResourceStatus.Phase.allCases.map(\.rawValue) == ["pending", "provisioning", "ready", "failed", "deleting"])
    }

    // MARK: setCondition

    @Test("a new condition is appended with the transition time now")
    func addCondition() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Ready", status: "False", reason: "Starting"), now: Self.t0)
        #expect(status.conditions == [Condition(type: "Ready", status: "False", reason: "Starting", lastTransitionTime: Self.t0)])
    }

    @Test("the caller's transition time is replaced by now")
    func callerTimeIgnored() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Ready", status: "True", lastTransitionTime: "1999-01-01T00:00:00Z"), now: Self.t0)
        #expect(status.conditions.first?.lastTransitionTime == Self.t0)
    }

    @Test("setting a condition with an unchanged status keeps its lastTransitionTime")
    func unchangedStatusKeepsTime() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Ready", status: "True", reason: "Created"), now: Self.t0)
        status.setCondition(Condition(type: "Ready", status: "True", reason: "StillFine", message: "ok"), now: Self.t1)
        #expect(status.conditions.count == 1)
        #expect(status.conditions[0].lastTransitionTime == Self.t0)
        // Reason and message are updated all the same.
        #expect(status.conditions[0].reason == "StillFine")
        #expect(status.conditions[0].message == "ok")
    }

    @Test("setting a condition with a changed status moves its lastTransitionTime")
    func changedStatusMovesTime() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Ready", status: "True"), now: Self.t0)
        status.setCondition(Condition(type: "Ready", status: "False", reason: "Broken"), now: Self.t1)
        #expect(status.conditions == [Condition(type: "Ready", status: "False", reason: "Broken", lastTransitionTime: Self.t1)])
        status.setCondition(Condition(type: "Ready", status: "False", reason: "StillBroken"), now: Self.t2)
        #expect(status.conditions[0].lastTransitionTime == Self.t1)
        status.setCondition(Condition(type: "Ready", status: "Unknown"), now: Self.t2)
        #expect(status.conditions[0].lastTransitionTime == Self.t2)
    }

    @Test("conditions of other types are left alone and keep their order")
    func otherTypes() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Scheduled", status: "True"), now: Self.t0)
        status.setCondition(Condition(type: "Ready", status: "False"), now: Self.t0)
        status.setCondition(Condition(type: "Synced", status: "True"), now: Self.t0)
        status.setCondition(Condition(type: "Ready", status: "True"), now: Self.t1)
        #expect(status.conditions.map(\.type) == ["Scheduled", "Ready", "Synced"])
        #expect(status.conditions.map(\.lastTransitionTime) == [Self.t0, Self.t1, Self.t0])
        #expect(status.conditions.map(\.status) == ["True", "True", "True"])
    }

    @Test("condition types are matched exactly")
    func caseSensitiveTypes() {
        var status = ResourceStatus()
        status.setCondition(Condition(type: "Ready", status: "True"), now: Self.t0)
        status.setCondition(Condition(type: "ready", status: "True"), now: Self.t1)
        #expect(status.conditions.count == 2)
    }

    @Test("setting an identical condition is idempotent")
    func idempotent() {
        var status = ResourceStatus()
        let ready = Condition(type: "Ready", status: "True", reason: "Created")
        status.setCondition(ready, now: Self.t0)
        let once = status
        status.setCondition(ready, now: Self.t1)
        #expect(status == once)
    }

    // MARK: Codable

    @Test("round-trips through JSON")
    func roundTrip() throws {
        let status = ResourceStatus(
            phase: .failed,
            conditions: [Condition(type: "Ready", status: "False", reason: "Crash", message: "exit 1", lastTransitionTime: Self.t0)],
            message: "it broke", observedVersion: 9_007_199_254_740_993, details: ["restarts": 3, "last": ["code": 1]])
        let decoded = try JSONDecoder().decode(ResourceStatus.self, from: JSONEncoder().encode(status))
        #expect(decoded == status)
    }

    @Test("decodes a status with only a phase; conditions default to none")
    func decodeMinimal() throws {
        let status = try JSONDecoder().decode(ResourceStatus.self, from: Data(#"{"phase":"ready"}"#.utf8))
        #expect(status == ResourceStatus(phase: .ready))
        let withNull = try JSONDecoder().decode(ResourceStatus.self, from: Data(#"{"phase":"ready","conditions":null}"#.utf8))
        #expect(withNull == ResourceStatus(phase: .ready))
    }

    @Test("an unknown phase does not decode")
    func unknownPhase() {
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(ResourceStatus.self, from: Data(#"{"phase":"running"}"#.utf8))
        }
    }

    @Test("encodes with the documented field names, omitting absent ones")
    func encoding() throws {
        let status = ResourceStatus(phase: .ready, conditions: [Condition(type: "Ready", status: "True")], observedVersion: 2)
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(status))
        #expect(json == ["phase": "ready", "conditions": [["type": "Ready", "status": "True"]], "observedVersion": 2])
    }
}
