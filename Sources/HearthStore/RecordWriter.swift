import HearthCore

/// The writes ``Store/updateRecords(_:)`` allows on private records, inside one transaction of
/// the store's writer.
///
/// Like a mutation, a body must decide before it writes: throw a `HearthError` before the first
/// write to refuse (the rest of the batch still commits), never after one.
public final class RecordWriter {
    let transaction: any StoreTransaction

    init(transaction: any StoreTransaction) {
        self.transaction = transaction
    }

    /// The record, locked against other replicas until the transaction commits.
    public func record(_ kind: String, _ key: String) async throws -> StoredRecord? {
        try await transaction.record(kind: kind, key: key)
    }

    /// Inserts or replaces a record.
    public func put(_ record: StoredRecord) async throws {
        try await transaction.putRecord(record)
    }

    public func delete(_ kind: String, _ key: String) async throws {
        try await transaction.deleteRecord(kind: kind, key: key)
    }

    /// Deletes every record of `kind` held by `subject`; returns how many.
    @discardableResult
    public func deleteAll(_ kind: String, subject: String) async throws -> Int {
        try await transaction.deleteRecords(kind: kind, subject: subject)
    }

    /// Appends an entry to the audit trail, committed with the records.
    public func appendAudit(_ entry: AuditEntry) async throws {
        try await transaction.appendAudit(entry, atMillis: MutationEngine.nowMillis())
    }
}
