import PostgresNIO

/// One PostgreSQL statement assembled from parts, each a data-modifying common table expression
/// (`name AS (INSERT ...)`), with bindings numbered in the order they are added.
///
/// PostgreSQL runs every data-modifying CTE of a statement once and to completion, whether or not
/// the main query reads it, so a write batch's inserts, updates and `NOTIFY` go in one round trip.
/// The parts must not touch the same rows: they all see the database as it was before the
/// statement (a row deleted in one part is still there for the others).
struct PostgresStatement {
    private var parts: [String] = []
    private var bindings = PostgresBindings()

    /// Adds `value` to the bindings and returns its placeholder (`$N`).
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Adds a part: `"name AS (statement)"`.
    mutating func add(_ part: String) {
        parts.append(part)
    }

    var isEmpty: Bool { parts.isEmpty }

    /// The statement: the parts, then `main`.
    func query(main: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: parts.isEmpty ? main : "WITH " + parts.joined(separator: ",\n") + "\n" + main, binds: bindings)
    }
}
