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
    static func body(of request: Request, limit: Int, mediaTypes: [String] = ["application/json"]) async throws -> JSONValue {
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
            throw HearthError(.badRequest, "the request body is empty; send a JSON object")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw HearthError(.badRequest, "the request body is not valid JSON: \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
