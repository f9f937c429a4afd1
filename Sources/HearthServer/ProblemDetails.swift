import Foundation
import HTTPTypes
import HearthCore
import Hummingbird

/// An RFC 9457 problem document, the body of every error answer (`application/problem+json`).
struct ProblemDetails: Codable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var code: String
    var requestId: String?
    var errors: [FieldViolation]?

    init(error: HearthError, instance: String?, requestID: String?) {
        type = "https://hearth.dev/problems/\(error.code.name)"
        title = Self.titles[error.code.status] ?? "Error"
        status = error.code.status
        detail = error.message
        self.instance = instance
        code = error.code.name
        self.requestId = requestID
        errors = error.violations.isEmpty ? nil : error.violations
    }

    static let titles: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
        406: "Not Acceptable", 409: "Conflict", 410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type",
        422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
    ]

    func response(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        let data = (try? APIJSON.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
