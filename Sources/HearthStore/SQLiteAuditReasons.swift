import HearthCore

/// The reasons of allowed audit entries, each stored once (`audit_reasons`) and referred to by id
/// from the entries that give it (schema version 8).
///
/// An allowed entry's reason names the grant (`role binding 'team' in namespace 'shop' grants role
/// 'editor' (rule 0) to group 'ops'`): about a hundred bytes, the same for every write the grant
/// allows, and the largest field of the row. In its place a row holds an integer, so an audited
/// write adds a third of the bytes to the write-ahead log, where every byte is copied, checksummed
/// and fsynced on the writer's critical path. A denial, and an allowed request that failed (its
/// reason is then the error, `invalid resource: name: … (found 'B')`), keeps its message in the
/// row: it names what was refused, so it is seldom the same twice, and the table stays one row
/// per grant.
///
/// Each reason has the time it was last used (`used_ms`, schema version 9), stamped again when
/// ``stampInterval`` has passed since, so that retention drops the reasons of grants gone with
/// their bindings and namespaces (``SQLiteAuditLog/pruneReasons(olderThanMillis:in:)``) without
/// scanning the trail. A reason pruned while the writer still remembers its id is found gone at
/// its next stamp, and added again.
///
/// Owned by the writer (like its connection): ids found or added in a transaction are
/// remembered only once it commits, so a rolled-back id is never reused.
final class SQLiteAuditReasons: @unchecked Sendable {
    /// A reason's id and when its `used_ms` was last set.
    private struct Known {
        let id: Int64
        let stampedMillis: Int64
    }

    /// Reasons committed, by text. Cleared past ``maxRemembered``: a miss costs one indexed read.
    private var committed: [String: Known] = [:]
    /// Found, added or stamped in the transaction under way.
    private var pending: [String: Known] = [:]
    static let maxRemembered = 10_000
    /// Longer reasons stay in the row: a long text is not a grant's.
    static let maxInterned = 1024
    /// How long a reason's `used_ms` may lag its last use: one write an hour per reason in use.
    static let stampInterval: Int64 = 3_600_000

    /// Whether `entry`'s reason is stored here: an allowed request that succeeded gives the grant
    /// that allowed it (or the route's note); any other gives a message of its own.
    static func stores(reasonOf entry: AuditEntry) -> Bool {
        entry.decision == AuditEntry.allowed && (entry.status ?? 0) < 400 && !entry.reason.isEmpty && entry.reason.utf8.count <= maxInterned
    }

    /// The id of `text`, used at `millis`: added to the table if it is new, its use stamped if
    /// the last stamp is older than ``stampInterval``.
    func id(of text: String, atMillis millis: Int64, in db: SQLiteConnection) throws -> Int64 {
        if let known = pending[text] ?? committed[text] {
            if millis - known.stampedMillis < Self.stampInterval { return known.id }
            try db.query("UPDATE audit_reasons SET used_ms = ? WHERE id = ?", [.int(millis), .int(known.id)])
            if db.changes == 1 {
                pending[text] = Known(id: known.id, stampedMillis: millis)
                return known.id
            }
            // Pruned since: found again below, or added.
        }
        let id: Int64?
        if let found = try db.rows("SELECT id FROM audit_reasons WHERE text = ?", [.text(text)], { $0.int(0) }).first {
            try db.query("UPDATE audit_reasons SET used_ms = ? WHERE id = ?", [.int(millis), .int(found)])
            id = found
        } else {
            id = try db.rows("INSERT INTO audit_reasons (text, used_ms) VALUES (?, ?) RETURNING id", [.text(text), .int(millis)]) { $0.int(0) }.first
        }
        guard let id else { throw StoreError("SQLite: no id for a new audit reason") }
        pending[text] = Known(id: id, stampedMillis: millis)
        return id
    }

    /// The transaction committed: its ids and stamps are kept.
    func commit() {
        guard !pending.isEmpty else { return }
        if committed.count + pending.count > Self.maxRemembered { committed.removeAll() }
        committed.merge(pending) { _, new in new }
        pending.removeAll()
    }

    /// The transaction rolled back: its new ids and stamps are gone.
    func rollback() {
        pending.removeAll()
    }
}
