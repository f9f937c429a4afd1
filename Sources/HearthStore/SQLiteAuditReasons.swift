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
/// Owned by the writer (like its connection): ids found or added in a transaction are
/// remembered only once it commits, so a rolled-back id is never reused.
final class SQLiteAuditReasons: @unchecked Sendable {
    /// Reasons committed, by text. Cleared past ``maxRemembered``: a miss costs one indexed read.
    private var committed: [String: Int64] = [:]
    /// Found or added in the transaction under way.
    private var pending: [String: Int64] = [:]
    static let maxRemembered = 10_000
    /// Longer reasons stay in the row: a long text is not a grant's.
    static let maxInterned = 1024

    /// Whether `entry`'s reason is stored here: an allowed request that succeeded gives the grant
    /// that allowed it (or the route's note); any other gives a message of its own.
    static func stores(reasonOf entry: AuditEntry) -> Bool {
        entry.decision == AuditEntry.allowed && (entry.status ?? 0) < 400 && !entry.reason.isEmpty && entry.reason.utf8.count <= maxInterned
    }

    /// The id of `text`, added to the table if it is new.
    func id(of text: String, in db: SQLiteConnection) throws -> Int64 {
        if let id = committed[text] ?? pending[text] { return id }
        let id =
            try db.rows("SELECT id FROM audit_reasons WHERE text = ?", [.text(text)]) { $0.int(0) }.first
            ?? db.rows("INSERT INTO audit_reasons (text) VALUES (?) RETURNING id", [.text(text)]) { $0.int(0) }.first
        guard let id else { throw StoreError("SQLite: no id for a new audit reason") }
        pending[text] = id
        return id
    }

    /// The transaction committed: its ids are kept.
    func commit() {
        guard !pending.isEmpty else { return }
        if committed.count + pending.count > Self.maxRemembered { committed.removeAll() }
        committed.merge(pending) { _, new in new }
        pending.removeAll()
    }

    /// The transaction rolled back: its new ids are gone.
    func rollback() {
        pending.removeAll()
    }
}
