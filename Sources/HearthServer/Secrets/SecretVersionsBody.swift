/// The body of `POST …/secrets/{name}/destroy` and `…/undelete`: `{"versions": [1, 2]}`.
struct SecretVersionsBody: Decodable, Sendable {
    var versions: [Int64]
}
