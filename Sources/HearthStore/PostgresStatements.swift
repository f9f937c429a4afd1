import HearthCore
import PostgresNIO

/// Statements the PostgreSQL backend sends on hot paths.
enum PostgresStatements {
    /// The 1-based position, version and stored JSON of each of a batch of resources that exists
    /// (`GET` of resources, see ``PostgresReadBatcher``).
    ///
    /// Not a prepared statement on purpose: PostgreSQL would settle on a generic plan while the
    /// table is small (a sequential scan and a hash join) and keep it as the table grows, where an
    /// unnamed statement is planned for the table as it is. One plan serves a whole batch.
    static func encodedResources(_ keys: [ResourceKey]) -> PostgresQuery {
        """
        SELECT k.i, r.version, r.data
        FROM UNNEST(\(keys.map(\.type)), \(keys.map(\.namespace)), \(keys.map(\.name))) WITH ORDINALITY AS k(type, namespace, name, i)
        JOIN resources r ON r.type = k.type COLLATE "C" AND r.namespace = k.namespace COLLATE "C" AND r.name = k.name COLLATE "C"
        """
    }
}
