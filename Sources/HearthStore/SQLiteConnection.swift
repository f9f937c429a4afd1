import CSQLite
import HearthCore

/// A thin, synchronous wrapper over one SQLite connection with a prepared-statement cache.
///
/// Not thread-safe: one task uses a connection at a time (the writer owns its connection; readers
/// check one out of a ``SQLiteReaderPool``). That exclusive use is what makes the
/// `@unchecked Sendable` sound.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    init(path: String, readOnly: Bool) throws {
        self.path = path
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError("cannot open SQLite database at \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters and return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(error)
            throw StoreError("SQLite: \(message) (in: \(sql.prefix(80)))")
        }
    }

    /// Runs a statement, calling `row` for each result row.
    func query(_ sql: String, _ bindings: [SQLiteValue] = [], row: (SQLiteRow) throws -> Void = { _ in }) throws {
        try query(sql, binding: { binder in
            for value in bindings { try binder.bind(value) }
        }, row: row)
    }

    /// Runs a statement whose parameters `bind` binds in order, straight from the caller's values
    /// (no array of them made and freed: the audit trail's many-row inserts bind hundreds).
    func query(_ sql: String, binding bind: (inout SQLiteBinder) throws -> Void, row: (SQLiteRow) throws -> Void = { _ in }) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var binder = SQLiteBinder(statement: statement!, sql: sql, connection: self)
        try bind(&binder)
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw lastError(sql) }
            try row(SQLiteRow(statement: statement!))
        }
    }

    /// The rows a statement returns, mapped.
    func rows<T>(_ sql: String, _ bindings: [SQLiteValue] = [], _ map: (SQLiteRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, bindings) { result.append(try map($0)) }
        return result
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    private func prepared(_ sql: String) throws -> OpaquePointer? {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
            throw lastError(sql)
        }
        statements[sql] = statement
        return statement
    }

    func lastError(_ sql: String) -> StoreError {
        StoreError("SQLite: \(String(cString: sqlite3_errmsg(handle))) (in: \(sql.prefix(80)))")
    }
}

/// SQLite copies bound text at once (SQLITE_TRANSIENT).
let SQLITE_TRANSIENT_PTR = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

enum SQLiteValue {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])
}

/// The current row of a stepping statement; valid only inside the row callback.
struct SQLiteRow {
    let statement: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        // The length SQLite knows, rather than a search for the terminator.
        return String(decoding: UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        guard let pointer = sqlite3_column_blob(statement, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column)))
    }

    /// A copy of a blob column.
    func blob(_ column: Int32) -> [UInt8] {
        Array(bytes(column))
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
}
