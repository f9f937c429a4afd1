import Foundation
import HearthCore

/// The body of `POST /v1/namespaces/{namespace}/kv-txn`:
///
/// ```json
/// {"ops": [
///   {"op": "check", "key": "config/leader", "version": 0},
///   {"op": "put", "key": "config/leader", "text": "node-1", "ttl": "30s"},
///   {"op": "put", "key": "blob", "value": "<base64>", "cas": 3},
///   {"op": "delete", "key": "old"},
///   {"op": "delete-prefix", "prefix": "tmp/"},
///   {"op": "get", "key": "config/epoch"}
/// ]}
/// ```
struct KVTransactionBody: Decodable, Sendable {
    struct Operation: Decodable, Sendable {
        var op: String
        var key: String?
        var prefix: String?
        /// The value in base64.
        var value: String?
        /// The value as text (UTF-8), instead of `value`.
        var text: String?
        var cas: Int64?
        var version: Int64?
        var ttl: String?
    }

    var ops: [Operation]

    /// The operations, checked for shape; 422 naming the operation otherwise.
    func operations(maxValueBytes: Int) throws -> [KVOperation] {
        try ops.enumerated().map { index, op in
            let position = "ops[\(index)]"
            func key() throws -> String {
                guard let key = op.key else { throw HearthError(.invalid, "\(position): '\(op.op)' needs a key") }
                return key
            }
            switch op.op {
            case "put":
                let bytes: [UInt8]
                switch (op.value, op.text) {
                case (let value?, nil):
                    guard let data = Data(base64Encoded: value) else { throw HearthError(.invalid, "\(position).value: not base64") }
                    bytes = Array(data)
                case (nil, let text?): bytes = Array(text.utf8)
                case (nil, nil): bytes = []
                default: throw HearthError(.invalid, "\(position): give value (base64) or text, not both")
                }
                guard bytes.count <= maxValueBytes else {
                    throw HearthError(.payloadTooLarge, "\(position): a value may be at most \(maxValueBytes) bytes")
                }
                let ttl = try op.ttl.map { text -> Int64 in
                    guard let ttl = Duration.parse(text), ttl > .zero else { throw HearthError(.invalid, "\(position).ttl: not a positive duration") }
                    return Int64(ttl.secondsDouble * 1000)
                }
                if let cas = op.cas, cas < 0 { throw HearthError(.invalid, "\(position).cas: must not be negative") }
                return .put(key: try key(), value: bytes, cas: op.cas, ttlMillis: ttl)
            case "delete":
                if let cas = op.cas, cas < 0 { throw HearthError(.invalid, "\(position).cas: must not be negative") }
                return .delete(key: try key(), cas: op.cas)
            case "delete-prefix":
                guard let prefix = op.prefix ?? op.key else { throw HearthError(.invalid, "\(position): 'delete-prefix' needs a prefix") }
                return .deletePrefix(prefix: prefix)
            case "check":
                guard let version = op.version ?? op.cas, version >= 0 else {
                    throw HearthError(.invalid, "\(position): 'check' needs a version (0: the key must be absent)")
                }
                return .check(key: try key(), version: version)
            case "get":
                return .get(key: try key())
            default:
                throw HearthError(.invalid, "\(position).op: must be put, delete, delete-prefix, check or get, not '\(op.op)'")
            }
        }
    }
}

/// The answer to a transaction.
struct KVTransactionAnswer: Encodable, Sendable {
    struct Result: Encodable, Sendable {
        var op: String
        var entry: KVEntryJSON?
        var deleted: Int?

        init(_ result: KVOperationResult) {
            switch result {
            case .put(let entry):
                op = "put"
                self.entry = KVEntryJSON(entry)
            case .deleted(let count):
                op = "delete"
                deleted = count
            case .checked:
                op = "check"
            case .got(let entry):
                op = "get"
                self.entry = entry.map { KVEntryJSON($0, value: true) }
            }
        }
    }

    var index: Int64
    var results: [Result]
}
