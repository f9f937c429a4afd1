/// One versioned step of the schema, in each dialect.
struct Migration: Sendable {
    let version: Int
    let description: String
    let sqlite: [String]
    let postgres: [String]
    /// A step in code, run on SQLite after ``sqlite``, in the same transaction.
    var sqliteCode: (@Sendable (SQLiteConnection) throws -> Void)? = nil

    /// Every migration, in order. Append new ones; never edit a released one.
    static let all: [Migration] = [
        Migration(
            version: 1,
            description: "resources, references, change log, leases",
            sqlite: [
                "CREATE TABLE hearth_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE hearth_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, compacted_revision INTEGER NOT NULL)",
                "INSERT INTO hearth_state (id, revision, compacted_revision) VALUES (1, 0, 0)",
                "CREATE TABLE resources (type TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, revision INTEGER NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (type, namespace, name)) WITHOUT ROWID",
                "CREATE TABLE refs (to_type TEXT NOT NULL, to_namespace TEXT NOT NULL, to_name TEXT NOT NULL, from_type TEXT NOT NULL, from_namespace TEXT NOT NULL, from_name TEXT NOT NULL, PRIMARY KEY (to_type, to_namespace, to_name, from_type, from_namespace, from_name)) WITHOUT ROWID",
                "CREATE INDEX refs_from ON refs (from_type, from_namespace, from_name)",
                "CREATE TABLE changes (revision INTEGER PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, created_ms INTEGER NOT NULL)",
                "CREATE INDEX changes_created ON changes (created_ms)",
                "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms INTEGER NOT NULL)",
            ],
            postgres: [
                "CREATE TABLE hearth_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE hearth_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL, compacted_revision BIGINT NOT NULL)",
                "INSERT INTO hearth_state (id, revision, compacted_revision) VALUES (1, 0, 0)",
                #"CREATE TABLE resources (type TEXT COLLATE "C" NOT NULL, namespace TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, revision BIGINT NOT NULL, version BIGINT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (type, namespace, name))"#,
                #"CREATE TABLE refs (to_type TEXT COLLATE "C" NOT NULL, to_namespace TEXT COLLATE "C" NOT NULL, to_name TEXT COLLATE "C" NOT NULL, from_type TEXT COLLATE "C" NOT NULL, from_namespace TEXT COLLATE "C" NOT NULL, from_name TEXT COLLATE "C" NOT NULL, PRIMARY KEY (to_type, to_namespace, to_name, from_type, from_namespace, from_name))"#,
                "CREATE INDEX refs_from ON refs (from_type, from_namespace, from_name)",
                "CREATE TABLE changes (revision BIGINT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, created_ms BIGINT NOT NULL)",
                "CREATE INDEX changes_created ON changes (created_ms)",
                "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL)",
            ]
        ),
        Migration(
            version: 2,
            description: "private records (credentials, sessions, API keys, signing keys), audit log",
            sqlite: [
                "CREATE TABLE records (kind TEXT NOT NULL, key TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL, expires_ms INTEGER, PRIMARY KEY (kind, key)) WITHOUT ROWID",
                "CREATE INDEX records_subject ON records (kind, subject)",
                "CREATE INDEX records_expiry ON records (expires_ms) WHERE expires_ms IS NOT NULL",
                "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL)",
                "CREATE INDEX audit_at ON audit_log (at_ms)",
            ],
            postgres: [
                #"CREATE TABLE records (kind TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, subject TEXT COLLATE "C" NOT NULL, value TEXT NOT NULL, expires_ms BIGINT, PRIMARY KEY (kind, key))"#,
                "CREATE INDEX records_subject ON records (kind, subject)",
                "CREATE INDEX records_expiry ON records (expires_ms) WHERE expires_ms IS NOT NULL",
                "CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, at_ms BIGINT NOT NULL, principal TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, decision TEXT NOT NULL, data TEXT NOT NULL)",
                "CREATE INDEX audit_at ON audit_log (at_ms)",
            ]
        ),
        Migration(
            version: 3,
            description: "key-value store: keys, their change log, the KV index",
            sqlite: [
                "CREATE TABLE kv_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, compacted_revision INTEGER NOT NULL)",
                "INSERT INTO kv_state (id, revision, compacted_revision) VALUES (1, 0, 0)",
                // A rowid table: values run to hundreds of KiB, which SQLite keeps better off the key's b-tree.
                "CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, version INTEGER NOT NULL, create_revision INTEGER NOT NULL, modify_revision INTEGER NOT NULL, expires_ms INTEGER, PRIMARY KEY (namespace, key))",
                "CREATE INDEX kv_expiry ON kv (expires_ms) WHERE expires_ms IS NOT NULL",
                "CREATE TABLE kv_log (revision INTEGER PRIMARY KEY, namespace TEXT NOT NULL, key TEXT NOT NULL, op TEXT NOT NULL, version INTEGER NOT NULL, value BLOB, expires_ms INTEGER, created_ms INTEGER NOT NULL)",
                "CREATE INDEX kv_log_key ON kv_log (namespace, key, revision)",
                "CREATE INDEX kv_log_created ON kv_log (created_ms)",
            ],
            postgres: [
                "CREATE TABLE kv_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL, compacted_revision BIGINT NOT NULL)",
                "INSERT INTO kv_state (id, revision, compacted_revision) VALUES (1, 0, 0)",
                #"CREATE TABLE kv (namespace TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, value BYTEA NOT NULL, version BIGINT NOT NULL, create_revision BIGINT NOT NULL, modify_revision BIGINT NOT NULL, expires_ms BIGINT, PRIMARY KEY (namespace, key))"#,
                "CREATE INDEX kv_expiry ON kv (expires_ms) WHERE expires_ms IS NOT NULL",
                #"CREATE TABLE kv_log (revision BIGINT PRIMARY KEY, namespace TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, op TEXT NOT NULL, version BIGINT NOT NULL, value BYTEA, expires_ms BIGINT, created_ms BIGINT NOT NULL)"#,
                "CREATE INDEX kv_log_key ON kv_log (namespace, key, revision)",
                "CREATE INDEX kv_log_created ON kv_log (created_ms)",
            ]
        ),
        Migration(
            version: 4,
            description: "secrets: versions of sealed values (envelope-encrypted, never plaintext)",
            sqlite: [
                // A rowid table: sealed values run to tens of KiB.
                "CREATE TABLE secrets (namespace TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, sealed TEXT, master_key TEXT, created_ms INTEGER NOT NULL, deleted_ms INTEGER, destroyed_ms INTEGER, PRIMARY KEY (namespace, name, version))",
                "CREATE INDEX secrets_master_key ON secrets (master_key) WHERE master_key IS NOT NULL",
            ],
            postgres: [
                #"CREATE TABLE secrets (namespace TEXT COLLATE "C" NOT NULL, name TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, sealed TEXT, master_key TEXT, created_ms BIGINT NOT NULL, deleted_ms BIGINT, destroyed_ms BIGINT, PRIMARY KEY (namespace, name, version))"#,
                "CREATE INDEX secrets_master_key ON secrets (master_key) WHERE master_key IS NOT NULL",
            ]
        ),
        Migration(
            version: 5,
            description: "PostgreSQL: a write batch's revision lock and row locks in one round trip",
            sqlite: [],
            postgres: [
                // The revision first, then the rows: the order in which every writer takes its
                // locks, so that replicas cannot deadlock. One call, so one round trip. Planned at
                // each call: a plan cached while the table was small (a sequential scan) would
                // stay while it grows.
                #"""
                CREATE FUNCTION hearth_lock_batch(key_types TEXT[], key_namespaces TEXT[], key_names TEXT[])
                RETURNS TABLE (locked_revision BIGINT, row_data TEXT) LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN QUERY SELECT s.revision, NULL::TEXT FROM hearth_state s WHERE s.id = 1 FOR UPDATE;
                    RETURN QUERY SELECT NULL::BIGINT, r.data FROM resources r
                        JOIN UNNEST(key_types, key_namespaces, key_names) AS k(type, namespace, name)
                        ON r.type = k.type COLLATE "C" AND r.namespace = k.namespace COLLATE "C" AND r.name = k.name COLLATE "C"
                        FOR UPDATE OF r;
                END
                $$ SET plan_cache_mode = force_custom_plan
                """#
            ]
        ),
        Migration(
            version: 6,
            description: "SQLite: audit entries keyed by their time (no AUTOINCREMENT, no time index)",
            sqlite: [],
            postgres: [],
            sqliteCode: SQLiteAuditLog.migrateToTimeOrderedIDs
        ),
        Migration(
            version: 7,
            description: "audit entries in columns, not a JSON document",
            sqlite: SQLiteAuditLog.migrationToColumns,
            postgres: [
                "ALTER TABLE audit_log ADD COLUMN time TEXT NOT NULL DEFAULT '', ADD COLUMN source TEXT, ADD COLUMN request_id TEXT NOT NULL DEFAULT '', ADD COLUMN name TEXT, ADD COLUMN reason TEXT NOT NULL DEFAULT '', ADD COLUMN status INTEGER",
                """
                UPDATE audit_log SET time = COALESCE(data::jsonb->>'time', ''), source = data::jsonb->>'source',
                    request_id = COALESCE(data::jsonb->>'requestID', ''), name = data::jsonb->>'name',
                    reason = COALESCE(data::jsonb->>'reason', ''), status = (data::jsonb->>'status')::INTEGER
                """,
                "ALTER TABLE audit_log DROP COLUMN data, ALTER COLUMN time DROP DEFAULT, ALTER COLUMN request_id DROP DEFAULT, ALTER COLUMN reason DROP DEFAULT",
            ]
        ),
        Migration(
            version: 8,
            description: "SQLite: audit entries without a time column (their ids hold it), allowed entries' reasons stored once",
            sqlite: SQLiteAuditLog.migrationToReasonIDs,
            postgres: []
        ),
        Migration(
            version: 9,
            description: "SQLite: when each audit reason was last used, so retention drops the unused ones",
            sqlite: SQLiteAuditLog.migrationToReasonUse,
            postgres: []
        ),
    ]

    static var latestVersion: Int { all.last!.version }

    /// The error for a database written by a newer Hearth.
    static func tooNew(_ version: Int) -> StoreError {
        StoreError(
            "the database schema is at version \(version), newer than this hearth binary knows (\(latestVersion)); "
                + "run the hearth version that last wrote it, or a newer one")
    }
}
