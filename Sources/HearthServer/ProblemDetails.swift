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
        title = HTTPResponse.Status(code: error.code.status).reasonPhrase
        status = error.code.status
        detail = error.message
        self.instance = instance
        code = error.code.name
        self.requestId = requestID
        errors = error.violations.isEmpty ? nil : error.violations
    }

    func response(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{\"status\":\(status)}".utf8)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
