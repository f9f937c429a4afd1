import Foundation
import HearthCore
import HearthServer
import HearthTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every route is documented, and every documented operation is a route")
    func routesMatch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-openapi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try HearthServer(
            configuration: ServerConfiguration(port: 0, dataDirectory: directory, plainHTTP: true), logger: APIFixture.logger)
        let (_, routes) = try server.makeRouter()
        let served = Set(routes.map { "\($0.method.rawValue) \($0.path)" })

        let data = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.json"))
        let document = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(document["openapi"] == "3.1.0")
        var documented = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys where ["get", "put", "post", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(served.subtracting(documented).sorted() == [], "routes missing from the OpenAPI document")
        #expect(documented.subtracting(served).sorted() == [], "documented operations with no route")
        #expect(routes.allSatisfy { !$0.summary.isEmpty })
    }

    @Test("the served document is docs/openapi.json")
    func servedDocument() async throws {
        try await APIFixture.with(.sqlite) { api in
            let served = try await api.request(.get, "/v1/openapi.json")
            #expect(served.status == 200)
            let file = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.json"))
            let onDisk = try JSONDecoder().decode(JSONValue.self, from: file)
            #expect(served.json == onDisk)
        }
    }
}
