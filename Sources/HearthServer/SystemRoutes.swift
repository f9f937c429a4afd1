import Foundation
import HTTPTypes
import HearthCore
import HearthStore
import Hummingbird
import Prometheus

/// Health, readiness, metrics, the OpenAPI document, type discovery and cluster identity.
struct SystemRoutes: Sendable {
    let store: Store
    let registry: TypeRegistry
    let metrics: PrometheusCollectorRegistry
    let clusterInfo: @Sendable () -> ClusterInfo
    let caPEM: @Sendable () throws -> String
    let openAPI: @Sendable () -> ByteBuffer
    /// True once everything but the store is ready too (access control loaded, signing keys).
    let accessReady: @Sendable () -> Bool

    func register(on api: APIRouter) {
        api.add(.get, "/healthz", permission: .anonymous, summary: "Liveness: the process answers") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        api.add(.get, "/readyz", permission: .anonymous, summary: "Readiness: the store answers and access control is loaded") { _, _ in
            do {
                try await store.ping()
            } catch {
                throw HearthError(.unavailable, "not ready: the store is starting, stopping or unreachable")
            }
            guard accessReady() else { throw HearthError(.unavailable, "not ready: access control is loading") }
            return try JSONResponse.make(["status": "ready"])
        }
        api.add(.get, "/metrics", permission: .anonymous, summary: "Prometheus metrics") { _, _ in
            var bytes: [UInt8] = []
            metrics.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        api.add(.get, "/v1/openapi.json", permission: .anonymous, summary: "This API's OpenAPI 3.1 document") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPI()))
        }
        api.add(.get, "/v1/resource-types", permission: .authenticated, summary: "Every resource type with its schema") { _, _ in
            try JSONResponse.make(ResourceTypeList(items: registry.all.map(ResourceTypeInfo.init)))
        }
        api.add(.get, "/v1/cluster", permission: .anonymous, summary: "Cluster id, CA fingerprint, version, store backend") { _, _ in
            try JSONResponse.make(clusterInfo())
        }
        api.add(.get, "/v1/cluster/ca.pem", permission: .anonymous, summary: "The cluster CA bundle (PEM)") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: ByteBuffer(string: try caPEM())))
        }
    }
}

/// What `GET /v1/cluster` answers.
public struct ClusterInfo: Codable, Sendable {
    public var clusterId: String?
    public var caFingerprint: String
    public var version: String
    public var store: String
    public var revision: Int64?
}

struct ResourceTypeList: Codable, Sendable {
    var items: [ResourceTypeInfo]
}

/// A type as `GET /v1/resource-types` describes it.
struct ResourceTypeInfo: Codable, Sendable {
    var name: String
    var kind: String
    var scope: ResourceType.Scope
    var description: String
    var schema: JSONSchema
    var references: [ReferenceField]
    var hasController: Bool

    init(_ type: ResourceType) {
        name = type.name
        kind = type.kind
        scope = type.scope
        description = type.description
        schema = type.schema
        references = type.references
        hasController = type.reconciler != nil
    }
}
