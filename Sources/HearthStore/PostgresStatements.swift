import HearthCore
import PostgresNIO

/// The reads served on every request, as prepared statements: each connection of the pool parses
/// and plans them once, and later executions send only their bindings.
enum PostgresStatements {
    /// The version and stored JSON of each of a batch of resources (`GET` of resources, see
    /// ``PostgresReadBatcher``), with the 1-based position of its key; absent keys have no row.
    struct EncodedResources: PostgresPreparedStatement {
        static let name = "hearth_get_encoded"
        static let sql = """
            SELECT k.i, r.version, r.data
            FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[]) WITH ORDINALITY AS k(type, namespace, name, i)
            JOIN resources r ON r.type = k.type COLLATE "C" AND r.namespace = k.namespace COLLATE "C" AND r.name = k.name COLLATE "C"
            """
        typealias Row = (Int64, Int64, String)
        let keys: [ResourceKey]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(keys.map(\.type))
            bindings.append(keys.map(\.namespace))
            bindings.append(keys.map(\.name))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            try row.decode(Row.self)
        }
    }
}
