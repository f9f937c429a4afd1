import Foundation
import HearthCore
import HearthServer
import HearthTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("the served document lists every route, and every documented operation is a route")
    func routesMatch() async throws {
        try await APIFixture.with(.sqlite) { api in
            let served = try await api.request(.get, "/v1/openapi.json")
            #expect(served.status == 200)
            let document = served.json
            #expect(document["openapi"] == "3.1.0")
            var documented = Set<String>()
            for (path, item) in document["paths"]?.objectValue ?? [:] {
                for method in (item.objectValue ?? [:]).keys where ["get", "put", "post", "patch", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                    #expect(item[method]?["operationId"]?.stringValue?.isEmpty == false, "\(method) \(path) has no operationId")
                }
            }
            let (_, routes) = try api.server.makeRouter()
            let registered = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
            #expect(registered.subtracting(documented).sorted() == [], "routes missing from the OpenAPI document")
            #expect(documented.subtracting(registered).sorted() == [], "documented operations with no route")
            #expect(routes.allSatisfy { !$0.summary.isEmpty })
            // Every $ref points at a component that exists.
            let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys.map { "#/components/schemas/\($0)" } ?? [])
            let responses = Set(document["components"]?["responses"]?.objectValue?.keys.map { "#/components/responses/\($0)" } ?? [])
            for reference in Self.references(in: document) {
                #expect(schemas.contains(reference) || responses.contains(reference), "dangling \(reference)")
            }
        }
    }

    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            return (object["$ref"]?.stringValue.map { [$0] } ?? []) + object.values.flatMap(references)
        case .array(let array):
            return array.flatMap(references)
        default:
            return []
        }
    }
}
