/// Joins field paths in access-control violations the way ``JSONSchema`` does (`a.b`, `a[0]`).
enum AccessPath {
    static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    static func index(_ path: String, _ field: String, _ index: Int) -> String {
        "\(join(path, field))[\(index)]"
    }
}
