import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird
import Logging

/// The outermost middleware: assigns the request id, and turns every error into a problem+json
/// answer. A `HearthError` keeps its status; Hummingbird's own errors (no route, body too large)
/// are mapped; anything else is logged with the request id and answered 500 without detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HearthRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request)
        context.logger[metadataKey: "request"] = .string(context.requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let hearthError = Self.map(error, request: request)
            if hearthError.code == .internalError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            var headers: HTTPFields = [:]
            if hearthError.code == .methodNotAllowed, let allow = (error as? HTTPError)?.headers[.allow] {
                headers[.allow] = allow
            }
            if hearthError.code == .unauthorized {
                headers[.wwwAuthenticate] = #"Bearer realm="hearth""#
            }
            if hearthError.code == .tooManyRequests {
                headers[.retryAfter] = "10"
            }
            response = ProblemDetails(error: hearthError, instance: request.uri.path, requestID: context.requestID).response(headers: headers)
        }
        response.headers[.init("X-Request-Id")!] = context.requestID
        return response
    }

    static func map(_ error: any Error, request: Request) -> HearthError {
        switch error {
        case let error as HearthError:
            return error
        case let error as HTTPError:
            switch error.status {
            case .notFound: return HearthError(.notFound, "no route for \(request.method) \(request.uri.path); see GET /v1/openapi.json")
            case .contentTooLarge: return HearthError(.payloadTooLarge, "the request body is too large")
            case .methodNotAllowed: return HearthError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path)")
            case .badRequest: return HearthError(.badRequest, error.body ?? "bad request")
            default:
                if error.status.code >= 500 { return HearthError(.internalError, "internal error") }
                return HearthError(.badRequest, error.body ?? error.status.reasonPhrase)
            }
        case is StoreError:
            return HearthError(.unavailable, "the store is unavailable")
        default:
            return HearthError(.internalError, "internal error; the server log has the details under this request id")
        }
    }

    private static func requestID(from request: Request) -> String {
        if let given = request.headers[.init("X-Request-Id")!], given.utf8.count <= 128,
            given.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        {
            return given
        }
        return RequestIDs.next()
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
