/// The answer of `GET …/secrets/{name}[?version=N]`: the value, as `value` when it is UTF-8
/// text, else as `valueBase64`.
struct SecretValueAnswer: Encodable, Sendable {
    var namespace: String
    var name: String
    var version: Int64
    var createdAt: String
    var value: String?
    var valueBase64: String?
}
