import Foundation
import HTTPTypes
import HearthCore
import Hummingbird
import NIOCore

/// Reading request bodies and writing JSON answers, in one place.
enum JSONResponse {
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try APIJSON.encode(value))
    }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: try encode(value)))
    }

    /// Collects the body (at most `limit` bytes) and parses it as JSON. Refuses other media
    /// types, oversize bodies and malformed JSON with the matching 4xx.
    /// - Parameter empty: what an empty body stands for (nil: an empty body is refused).
    static func body(of request: Request, limit: Int, mediaTypes: [String] = ["application/json"], empty: JSONValue? = nil) async throws -> JSONValue {
        if let contentType = request.headers[.contentType] {
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard mediaTypes.contains(mediaType) else {
                throw HearthError(.unsupportedMediaType, "content type '\(mediaType)' is not accepted here; send \(mediaTypes.joined(separator: " or "))")
            }
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw HearthError(.payloadTooLarge, "the request body is larger than \(limit) bytes")
        } catch is NIOTooManyBytesError {
            throw HearthError(.payloadTooLarge, "the request body is larger than \(limit) bytes")
        }
        if buffer.readableBytes == 0 {
            if let empty { return empty }
            throw HearthError(.badRequest, "the request body is empty; send a JSON object")
        }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw HearthError(.badRequest, "the request body is not valid JSON: \(error)")
        }
    }

    /// Collects and parses the body as `T`; a missing or mistyped field answers 422 naming it.
    /// - Parameter optional: true when the body may be left out (it is then `{}`).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int, optional: Bool = false) async throws -> T {
        let value = try await body(of: request, limit: limit, empty: optional ? .object([:]) : nil)
        guard case .object = value else { throw HearthError(.badRequest, "the request body must be a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: APIJSON.encode(value))
        } catch let DecodingError.keyNotFound(key, context) {
            throw HearthError.invalid([FieldViolation(field: fieldPath(context.codingPath + [key]), reason: "is required")])
        } catch let DecodingError.typeMismatch(expected, context) {
            throw HearthError.invalid([FieldViolation(field: fieldPath(context.codingPath), reason: "must be \(expected == String.self ? "a string" : "of type \(expected)")")])
        } catch let DecodingError.valueNotFound(_, context) {
            throw HearthError.invalid([FieldViolation(field: fieldPath(context.codingPath), reason: "must not be null")])
        } catch {
            throw HearthError(.badRequest, "the request body cannot be read: \(describe(error))")
        }
    }

    private static func fieldPath(_ path: [any CodingKey]) -> String {
        path.map(\.stringValue).joined(separator: ".")
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
