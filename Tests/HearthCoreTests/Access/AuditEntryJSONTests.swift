import HearthCore
import Testing

@Suite("Audit entry JSON")
struct AuditEntryJSONTests {
    @Test("the hand-written encoding is the API's encoding, for every field present or absent and any text")
    func matchesEncoder() throws {
        let texts = ["plain", "with \"quotes\" and \\ backslash", "new\nline\ttab\r\u{08}\u{0C}", "ctl \u{01}\u{1F}", "slash/es", "ünïcödé ✓ 🔥", ""]
        var entries: [AuditEntry] = []
        for text in texts {
            entries.append(
                AuditEntry(
                    id: 42, time: "2026-11-21T00:00:00.000Z", principal: "user:\(text)", source: text, requestID: "r-\(text)", verb: "create",
                    resource: "widgets", namespace: text, name: text, decision: AuditEntry.allowed, reason: text, status: 201))
        }
        entries.append(
            AuditEntry(principal: "anonymous", source: nil, requestID: "x", verb: "get", resource: "auth", decision: AuditEntry.denied, reason: "no"))
        for entry in entries {
            #expect(entry.json == (try APIJSON.encodeString(entry)))
        }
    }
}
