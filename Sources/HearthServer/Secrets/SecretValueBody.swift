import Foundation
import HearthCore
import Hummingbird
import NIOCore

/// The body of `PUT …/secrets/{name}`: `{"value": STRING}` or `{"valueBase64": BASE64}`.
///
/// Read here rather than with ``JSONResponse``: no message about a malformed body quotes any
/// part of it, since it holds a secret.
enum SecretValueBody {
    /// The largest value: 64 KiB.
    static let maxValueBytes = 64 * 1024
    /// The largest body: a value of ``maxValueBytes`` with every byte escaped as `\u00XX`.
    static let maxBodyBytes = 6 * maxValueBytes + 1024

    static let shape = #"send {"value": "TEXT"} or {"valueBase64": "BASE64"}"#

    /// The value's bytes.
    /// - Throws: 415 for another media type, 413 for a body or value too large, 400 for a body
    ///   that is not a JSON object of the expected shape, 422 for a field of the wrong type.
    static func read(_ request: Request) async throws -> [UInt8] {
        if let contentType = request.headers[.contentType] {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard mediaType == "application/json" else {
                throw HearthError(.unsupportedMediaType, "content type '\(mediaType)' is not accepted here; send application/json")
            }
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge()
        } catch is NIOTooManyBytesError {
            throw tooLarge()
        }
        guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)), case .object(let object) = parsed
        else {
            throw HearthError(.badRequest, "the request body is not a JSON object: \(shape)")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "value" && $0 != "valueBase64" }) {
            throw HearthError.invalid([FieldViolation(field: unknown, reason: "is not a field of a secret write; \(shape)")])
        }
        let bytes: [UInt8]
        switch (object["value"], object["valueBase64"]) {
        case (.some(let value), nil):
            guard case .string(let text) = value else {
                throw HearthError.invalid([FieldViolation(field: "value", reason: "must be a string (binary values go in valueBase64)")])
            }
            bytes = Array(text.utf8)
        case (nil, .some(let value)):
            guard case .string(let text) = value else {
                throw HearthError.invalid([FieldViolation(field: "valueBase64", reason: "must be a string of base64")])
            }
            guard let data = Data(base64Encoded: String(text.filter { !$0.isWhitespace }))
            else {
                throw HearthError.invalid([FieldViolation(field: "valueBase64", reason: "is not base64")])
            }
            bytes = Array(data)
        case (.some, .some):
            throw HearthError(.badRequest, "give value or valueBase64, not both")
        case (nil, nil):
            throw HearthError.invalid([FieldViolation(field: "value", reason: "is required: \(shape)")])
        }
        guard bytes.count <= maxValueBytes else {
            throw HearthError(.payloadTooLarge, "a secret value is at most \(maxValueBytes) bytes; this one is \(bytes.count) bytes")
        }
        return bytes
    }

    private static func tooLarge() -> HearthError {
        HearthError(.payloadTooLarge, "the request body is larger than \(maxBodyBytes) bytes; a secret value is at most \(maxValueBytes) bytes")
    }
}
