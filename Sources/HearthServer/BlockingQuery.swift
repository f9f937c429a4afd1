import HTTPTypes
import HearthCore
import Hummingbird

/// The parameters of a blocking query (`?index=N&wait=30s`), as Consul has them: answer at once
/// if what was asked changed after index N, else hold until it changes or the wait ends.
struct BlockingQuery: Sendable {
    /// The header that carries the index on every answer.
    static let indexHeader = HTTPField.Name("X-Hearth-Index")!
    /// The longest a query may wait.
    static let maxWait: Duration = .seconds(600)
    /// The wait when `index` comes without `wait`.
    static let defaultWait: Duration = .seconds(300)

    var index: Int64?
    var wait: Duration?

    /// How long to hold: the requested wait, else the default.
    var timeout: Duration { wait ?? Self.defaultWait }

    /// Reads `index` and `wait` from the query; 400 for values that are not sane.
    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        index = try query.integer("index")
        wait = try query["wait"].map { text -> Duration in
            guard let wait = Duration.parse(String(text)), wait >= .zero else {
                throw HearthError(.badRequest, "wait must be a duration such as 30s or 5m, not '\(text)'")
            }
            guard wait <= Self.maxWait else { throw HearthError(.badRequest, "wait may be at most 10m") }
            return wait
        }
    }
}
