/// The answer of `GET /v1/namespaces/{namespace}/secrets`: names and metadata only.
struct SecretList: Encodable, Sendable {
    var namespace: String
    var items: [SecretSummary]
}
