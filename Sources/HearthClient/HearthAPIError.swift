import Foundation

/// An error answer of the Hearth API (a problem document), or a failure to reach the server.
public struct HearthAPIError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let detail: String
    public let fieldErrors: [(field: String, reason: String)]
    /// The answer's headers, names lowercased (e.g. `x-hearth-index` on the 404 of a blocking
    /// read); empty when the server was not reached.
    public var headers: [String: String] = [:]

    public init(status: Int, code: String, detail: String, fieldErrors: [(field: String, reason: String)] = []) {
        self.status = status
        self.code = code
        self.detail = detail
        self.fieldErrors = fieldErrors
    }

    /// Reads a problem+json body; falls back to the raw text.
    public init(status: Int, body: Data) {
        self.status = status
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            code = object["code"] as? String ?? "http-\(status)"
            detail = object["detail"] as? String ?? "HTTP \(status)"
            fieldErrors = (object["errors"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", $0["reason"] as? String ?? "") }
        } else {
            code = "http-\(status)"
            detail = String(decoding: body.prefix(500), as: UTF8.self)
            fieldErrors = []
        }
    }

    public var description: String {
        var text = status > 0 ? "\(detail) (HTTP \(status), \(code))" : detail
        for (field, reason) in fieldErrors { text += "\n  \(field): \(reason)" }
        return text
    }
}
