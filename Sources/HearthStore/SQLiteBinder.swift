import CSQLite

/// Binds a statement's parameters in order, from 1.
struct SQLiteBinder {
    let statement: OpaquePointer
    let sql: String
    let connection: SQLiteConnection
    private var position: Int32 = 1

    init(statement: OpaquePointer, sql: String, connection: SQLiteConnection) {
        self.statement = statement
        self.sql = sql
        self.connection = connection
    }

    mutating func bind(_ value: SQLiteValue) throws {
        switch value {
        case .null: try null()
        case .int(let i): try int(i)
        case .text(let s): try text(s)
        case .blob(let bytes):
            // An empty value is still a blob, not NULL.
            try check(
                bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(statement, position, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), SQLITE_TRANSIENT_PTR)
                })
        }
    }

    mutating func null() throws { try check(sqlite3_bind_null(statement, position)) }

    mutating func int(_ value: Int64) throws { try check(sqlite3_bind_int64(statement, position, value)) }

    /// Text with its length, from the string's own UTF-8 (a small string's on the stack): a C
    /// string would be a heap copy of every short value, and most are short.
    mutating func text(_ value: String) throws {
        let statement = statement
        let position = position
        let bind = { (utf8: UnsafeBufferPointer<UInt8>) -> Int32 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                // Not a null pointer, which would bind NULL.
                return sqlite3_bind_text(statement, position, "", 0, SQLITE_TRANSIENT_PTR)
            }
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) { text in
                sqlite3_bind_text(statement, position, text, Int32(utf8.count), SQLITE_TRANSIENT_PTR)
            }
        }
        if let rc = value.utf8.withContiguousStorageIfAvailable(bind) {
            try check(rc)
        } else {
            var copy = value
            try check(copy.withUTF8(bind))
        }
    }

    /// Text, or NULL for nil.
    mutating func text(_ value: String?) throws {
        if let value { try text(value) } else { try null() }
    }

    private mutating func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw connection.lastError(sql) }
        position += 1
    }
}
