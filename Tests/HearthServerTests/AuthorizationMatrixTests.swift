import Foundation
import HTTPTypes
import HearthCore
import HearthServer
import HearthTestSupport
import Testing

/// Every route, called by every kind of caller, with the status each must get.
///
/// Namespace `a` is owned by `owner`, with `editor` and `viewer` as its editor and viewer; `other`
/// owns namespace `b` and nothing in `a`. The admin is the setup admin (cluster-admin).
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, viewer, editor, owner, other, admin
    }

    /// One route called with a concrete path and body.
    struct Cell: Sendable {
        let route: String  // "METHOD /path/{pattern}" as the router registers it
        let path: String
        let body: String?
        let contentType: String
        let expected: [Caller: Int]

        init(_ route: String, at path: String? = nil, body: String? = nil, contentType: String = "application/json", _ expected: [Caller: Int]) {
            self.route = route
            self.path = path ?? String(route.split(separator: " ")[1])
            self.body = body
            self.contentType = contentType
            self.expected = expected
        }
    }

    /// Expected statuses: `all` for every authenticated caller unless listed, 401 for anonymous.
    static func expect(_ all: Int, anonymous: Int = 401, _ overrides: [Caller: Int] = [:]) -> [Caller: Int] {
        var result: [Caller: Int] = [:]
        for caller in Caller.allCases { result[caller] = caller == .anonymous ? anonymous : all }
        for (caller, status) in overrides { result[caller] = status }
        return result
    }

    static let widget = #"{"name":"w","spec":{"size":3}}"#
    static let patch = #"{"spec":{"size":4}}"#
    static let status = #"{"status":{"phase":"ready"}}"#
    static let merge = "application/merge-patch+json"

    /// The matrix. Namespaced routes address namespace `a`.
    static let cells: [Cell] = {
        // In namespace a: readers are admin, owner, editor, viewer; writers admin, owner, editor;
        // `other` cannot see the namespace at all, so it is told nothing exists (404).
        let read = expect(200, [.other: 404])
        let write = expect(200, [.viewer: 403, .other: 404])
        let adminOnly = { (status: Int) in expect(403, [.admin: status]) }
        return [
            // Anonymous routes.
            Cell("GET /healthz", expect(200, anonymous: 200)),
            Cell("GET /readyz", expect(200, anonymous: 200)),
            Cell("GET /metrics", expect(200, anonymous: 200)),
            Cell("GET /v1/openapi.json", expect(200, anonymous: 200)),
            Cell("GET /v1/cluster", expect(200, anonymous: 200)),
            Cell("GET /v1/cluster/ca.pem", expect(200, anonymous: 200)),
            Cell("GET /.well-known/jwks.json", expect(200, anonymous: 200)),
            Cell("POST /v1/setup", body: #"{"code":"AAAA-AAAA","username":"x","password":"a long enough password"}"#, expect(403, anonymous: 403)),
            Cell("POST /v1/auth/login", body: #"{"username":"viewer","password":"not the password"}"#, expect(401, anonymous: 401)),
            Cell("POST /v1/auth/refresh", body: #"{"refreshToken":"hth_rt_nope"}"#, expect(401, anonymous: 401)),
            Cell("POST /v1/auth/token", body: #"{"grant_type":"magic"}"#, expect(422, anonymous: 422)),
            // Any authenticated caller.
            Cell("GET /v1/resource-types", expect(200)),
            Cell("GET /v1/auth/whoami", expect(200)),
            Cell("POST /v1/auth/logout", expect(204)),
            Cell("POST /v1/apikeys", body: #"{"name":"matrix"}"#, expect(201)),
            Cell("GET /v1/apikeys", expect(200)),
            Cell("DELETE /v1/apikeys/{id}", at: "/v1/apikeys/0123456789ab", expect(404)),
            // Your own password needs the current one (422 without it); an admin's weak choice is 422;
            // anyone else is refused.
            Cell("POST /v1/users/{name}/password", at: "/v1/users/viewer/password", body: #"{"newPassword":"short"}"#, expect(403, [.viewer: 422, .admin: 422])),
            // Roles decide.
            Cell("GET /v1/audit", adminOnly(200)),
            // Users: cluster-scoped, admins only.
            Cell("GET /v1/users", adminOnly(200)),
            Cell("POST /v1/users", body: #"{"username":"newbie","password":"a long enough password"}"#, adminOnly(201)),
            Cell("GET /v1/users/{name}", at: "/v1/users/target", adminOnly(200)),
            Cell("PUT /v1/users/{name}", at: "/v1/users/target", body: #"{"name":"target","spec":{"displayName":"T"}}"#, adminOnly(200)),
            Cell("PATCH /v1/users/{name}", at: "/v1/users/target", body: #"{"spec":{"email":"t@example.org"}}"#, contentType: merge, adminOnly(200)),
            Cell("DELETE /v1/users/{name}", at: "/v1/users/target", adminOnly(200)),
            Cell("PUT /v1/users/{name}/status", at: "/v1/users/target/status", body: status, adminOnly(200)),
            Cell("PATCH /v1/users/{name}/status", at: "/v1/users/target/status", body: status, contentType: merge, adminOnly(200)),
            // Cluster-scoped resources.
            Cell("GET /v1/{type}", at: "/v1/things", adminOnly(200)),
            Cell("POST /v1/{type}", at: "/v1/things", body: #"{"name":"new-thing"}"#, adminOnly(201)),
            Cell("GET /v1/{type}/{name}", at: "/v1/things/t", adminOnly(200)),
            Cell("PUT /v1/{type}/{name}", at: "/v1/things/t", body: #"{"name":"t","spec":{"note":"x"}}"#, adminOnly(200)),
            Cell("PATCH /v1/{type}/{name}", at: "/v1/things/t", body: #"{"spec":{"note":"y"}}"#, contentType: merge, adminOnly(200)),
            Cell("DELETE /v1/{type}/{name}", at: "/v1/things/t", adminOnly(200)),
            Cell("PUT /v1/{type}/{name}/status", at: "/v1/things/t/status", body: status, adminOnly(200)),
            Cell("PATCH /v1/{type}/{name}/status", at: "/v1/things/t/status", body: status, contentType: merge, adminOnly(200)),
            // Namespaces: everyone lists the ones they can see; only admins create; owners manage theirs.
            Cell("GET /v1/namespaces", expect(200)),
            Cell("POST /v1/namespaces", body: #"{"name":"fresh"}"#, adminOnly(201)),
            Cell("GET /v1/namespaces/{namespace}", at: "/v1/namespaces/a", read),
            Cell(
                "PUT /v1/namespaces/{namespace}", at: "/v1/namespaces/a",
                body: #"{"name":"a","spec":{"owners":["user:owner"],"editors":["user:editor"],"viewers":["user:viewer"]}}"#,
                expect(200, [.viewer: 403, .editor: 403, .other: 404])),
            Cell(
                "PATCH /v1/namespaces/{namespace}", at: "/v1/namespaces/a", body: #"{"spec":{"description":"d"}}"#, contentType: merge,
                expect(200, [.viewer: 403, .editor: 403, .other: 404])),
            // Not empty: those allowed to delete learn that (409).
            Cell("DELETE /v1/namespaces/{namespace}", at: "/v1/namespaces/a", expect(409, [.viewer: 403, .editor: 403, .other: 404])),
            Cell("PUT /v1/namespaces/{namespace}/status", at: "/v1/namespaces/a/status", body: status, expect(200, [.viewer: 403, .editor: 403, .other: 404])),
            Cell(
                "PATCH /v1/namespaces/{namespace}/status", at: "/v1/namespaces/a/status", body: status, contentType: merge,
                expect(200, [.viewer: 403, .editor: 403, .other: 404])),
            // Namespaced resources in a.
            Cell("GET /v1/namespaces/{namespace}/{type}", at: "/v1/namespaces/a/widgets", read),
            Cell("POST /v1/namespaces/{namespace}/{type}", at: "/v1/namespaces/a/widgets", body: #"{"name":"fresh","spec":{"size":1}}"#, expect(201, [.viewer: 403, .other: 404])),
            Cell("GET /v1/namespaces/{namespace}/{type}/{name}", at: "/v1/namespaces/a/widgets/w", read),
            Cell("PUT /v1/namespaces/{namespace}/{type}/{name}", at: "/v1/namespaces/a/widgets/w", body: widget, write),
            Cell("PATCH /v1/namespaces/{namespace}/{type}/{name}", at: "/v1/namespaces/a/widgets/w", body: patch, contentType: merge, write),
            Cell("DELETE /v1/namespaces/{namespace}/{type}/{name}", at: "/v1/namespaces/a/widgets/w", write),
            Cell("PUT /v1/namespaces/{namespace}/{type}/{name}/status", at: "/v1/namespaces/a/widgets/w/status", body: status, write),
            Cell(
                "PATCH /v1/namespaces/{namespace}/{type}/{name}/status", at: "/v1/namespaces/a/widgets/w/status", body: status, contentType: merge,
                write),
            // The service registry in a: services, instances under them, discovery, heartbeats.
            Cell("GET /v1/namespaces/{namespace}/services", at: "/v1/namespaces/a/services", read),
            Cell("POST /v1/namespaces/{namespace}/services", at: "/v1/namespaces/a/services", body: #"{"name":"fresh-svc"}"#, expect(201, [.viewer: 403, .other: 404])),
            Cell("GET /v1/namespaces/{namespace}/services/{service}", at: "/v1/namespaces/a/services/web", read),
            Cell("PUT /v1/namespaces/{namespace}/services/{service}", at: "/v1/namespaces/a/services/web", body: service, write),
            Cell("PATCH /v1/namespaces/{namespace}/services/{service}", at: "/v1/namespaces/a/services/web", body: #"{"spec":{"tags":["x"]}}"#, contentType: merge, write),
            // It has an instance: those allowed to delete learn that (409).
            Cell("DELETE /v1/namespaces/{namespace}/services/{service}", at: "/v1/namespaces/a/services/web", expect(409, [.viewer: 403, .other: 404])),
            Cell("PUT /v1/namespaces/{namespace}/services/{service}/status", at: "/v1/namespaces/a/services/web/status", body: status, write),
            Cell(
                "PATCH /v1/namespaces/{namespace}/services/{service}/status", at: "/v1/namespaces/a/services/web/status", body: status,
                contentType: merge, write),
            Cell("GET /v1/namespaces/{namespace}/services/{service}/instances", at: "/v1/namespaces/a/services/web/instances", read),
            Cell("GET /v1/namespaces/{namespace}/services/{service}/instances/{name}", at: "/v1/namespaces/a/services/web/instances/i1", read),
            Cell("PUT /v1/namespaces/{namespace}/services/{service}/instances/{name}", at: "/v1/namespaces/a/services/web/instances/i1", body: instance, write),
            Cell("DELETE /v1/namespaces/{namespace}/services/{service}/instances/{name}", at: "/v1/namespaces/a/services/web/instances/i1", write),
            Cell(
                "PUT /v1/namespaces/{namespace}/services/{service}/instances/{name}/checks/{check}/{result}",
                at: "/v1/namespaces/a/services/web/instances/i1/checks/beat/pass", write),
            // Secrets in a: values need read-value, which viewers lack.
            Cell("GET /v1/namespaces/{namespace}/secrets", at: "/v1/namespaces/a/secrets", read),
            Cell("PUT /v1/namespaces/{namespace}/secrets/{name}", at: "/v1/namespaces/a/secrets/s", body: #"{"value":"m2"}"#, write),
            Cell("GET /v1/namespaces/{namespace}/secrets/{name}", at: "/v1/namespaces/a/secrets/s", expect(200, [.viewer: 403, .other: 404])),
            Cell("DELETE /v1/namespaces/{namespace}/secrets/{name}", at: "/v1/namespaces/a/secrets/s", write),
            Cell("GET /v1/namespaces/{namespace}/secrets/{name}/versions", at: "/v1/namespaces/a/secrets/s/versions", read),
            Cell("POST /v1/namespaces/{namespace}/secrets/{name}/undelete", at: "/v1/namespaces/a/secrets/s/undelete", body: #"{"versions":[1]}"#, write),
            Cell("POST /v1/namespaces/{namespace}/secrets/{name}/destroy", at: "/v1/namespaces/a/secrets/s/destroy", body: #"{"versions":[1]}"#, write),
            // The key-value store in a: viewers read, writers write; tokens are made by writers.
            Cell("GET /v1/namespaces/{namespace}/kv", at: "/v1/namespaces/a/kv?keys", read),
            Cell("GET /v1/namespaces/{namespace}/kv/{key}", at: "/v1/namespaces/a/kv/k", read),
            Cell("PUT /v1/namespaces/{namespace}/kv/{key}", at: "/v1/namespaces/a/kv/k", body: "v2", contentType: "text/plain", write),
            Cell("DELETE /v1/namespaces/{namespace}/kv/{key}", at: "/v1/namespaces/a/kv/k", write),
            Cell("POST /v1/namespaces/{namespace}/kv-txn", at: "/v1/namespaces/a/kv-txn", body: #"{"ops":[{"op":"put","key":"k","text":"v3"}]}"#, write),
            Cell("GET /v1/namespaces/{namespace}/kv-tokens", at: "/v1/namespaces/a/kv-tokens", read),
            Cell("POST /v1/namespaces/{namespace}/kv-tokens", at: "/v1/namespaces/a/kv-tokens", body: #"{"prefix":"p/","verbs":["read"],"ttl":"1m"}"#, expect(201, [.viewer: 403, .other: 404])),
            Cell("DELETE /v1/namespaces/{namespace}/kv-tokens/{name}", at: "/v1/namespaces/a/kv-tokens/0123456789ab", expect(404, [.viewer: 403, .other: 404])),
            Cell(
                "POST /v1/namespaces/{namespace}/kv-tokens/{name}/renew", at: "/v1/namespaces/a/kv-tokens/0123456789ab/renew", body: "{}",
                expect(404, [.viewer: 403, .other: 404])),
            // The certificate authority: the trust bundle and the CRL are public; certificates in a
            // are issued by writers (here a service account's identity, by its default policy).
            Cell("GET /v1/pki/ca.pem", expect(200, anonymous: 200)),
            Cell("GET /v1/pki/crl", expect(200, anonymous: 200)),
            Cell("GET /v1/namespaces/{namespace}/certificates", at: "/v1/namespaces/a/certificates", read),
            Cell(
                "POST /v1/namespaces/{namespace}/certificates", at: "/v1/namespaces/a/certificates", body: #"{"generate":true,"serviceAccount":"robot"}"#,
                expect(201, [.viewer: 403, .other: 404])),
            Cell("GET /v1/namespaces/{namespace}/certificates/{serial}", at: "/v1/namespaces/a/certificates/7F00", expect(404)),
            Cell(
                "POST /v1/namespaces/{namespace}/certificates/{serial}/revoke", at: "/v1/namespaces/a/certificates/7F00/revoke",
                expect(404, [.viewer: 403, .other: 404])),
            // The master key: cluster-admins only.
            Cell("GET /v1/admin/master-key", adminOnly(200)),
            Cell("POST /v1/admin/master-key/rotate", adminOnly(202)),
            // The certificate authority's hierarchy: cluster-admins only (rotate, then export,
            // then remove the root key, which needs the export).
            Cell("GET /v1/admin/pki", adminOnly(200)),
            Cell("POST /v1/admin/pki/intermediate/rotate", adminOnly(201)),
            Cell("POST /v1/admin/pki/root/export", adminOnly(200)),
            Cell("DELETE /v1/admin/pki/root/key", adminOnly(200)),
        ]
    }()

    static let service = #"{"spec":{"ports":[{"name":"http","port":80}]}}"#
    static let instance = #"{"spec":{"address":"10.0.0.1","checks":[{"type":"ttl","name":"beat"}]}}"#

    @Test("every route, by every kind of caller, gets the expected status")
    func matrix() async throws {
        try await APIFixture.with(.sqlite) { api in
            var tokens: [Caller: APIFixture.Credentials] = [.anonymous: .none, .admin: .admin]
            for caller in [Caller.viewer, .editor, .owner, .other] {
                tokens[caller] = .bearer(try await api.user(caller.rawValue))
            }
            try await api.createNamespace("a", as: tokens[.admin]!)
            try await api.createNamespace("b", as: tokens[.admin]!)
            try await Self.reset(api)

            // The matrix covers every route.
            let (_, routes) = try api.server.makeRouter()
            let registered = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
            let covered = Set(Self.cells.map(\.route))
            #expect(registered.subtracting(covered).sorted() == [], "routes missing from the authorization matrix")
            #expect(covered.subtracting(registered).sorted() == [], "matrix rows for routes that do not exist")

            for cell in Self.cells {
                for caller in Caller.allCases {
                    var credentials = tokens[caller]!
                    if cell.route == "POST /v1/auth/logout", caller != .anonymous {
                        // Log out a session of its own, so the caller's main token keeps working.
                        credentials = .bearer(caller == .admin ? try await api.login("admin", password: APIFixture.adminPassword) : try await api.login(caller.rawValue))
                    }
                    // Failed logins count against the account: each caller tries an account of its own.
                    let body = cell.route == "POST /v1/auth/login" ? cell.body?.replacingOccurrences(of: "viewer", with: "\(caller.rawValue)-x") : cell.body
                    let response = try await api.request(
                        Self.method(cell.route), cell.path, json: body, contentType: cell.contentType, as: credentials)
                    let expected = cell.expected[caller]!
                    #expect(response.status == expected, "\(caller) \(cell.route) (\(cell.path)): \(response.status) \(response.text)")
                    if response.status >= 400 { #expect(response.isProblem, "\(caller) \(cell.route): not problem+json") }
                    if response.status < 300, cell.route.hasPrefix("POST") || cell.route.hasPrefix("PUT") || cell.route.hasPrefix("PATCH")
                        || cell.route.hasPrefix("DELETE")
                    {
                        try await Self.reset(api)
                    }
                }
            }

            // The namespace list shows each caller what it can see.
            for (caller, visible) in [(Caller.admin, ["a", "b"]), (.owner, ["a"]), (.viewer, ["a"]), (.other, ["b"])] {
                let list = try await api.request(.get, "/v1/namespaces", as: tokens[caller]!)
                let names = list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(names.filter { ["a", "b"].contains($0) } == visible, "\(caller) sees \(names)")
            }
        }
    }

    /// Puts the fixtures back after a write: the widget, the thing, the target user, and the
    /// namespaces' memberships; removes what cells created.
    static func reset(_ api: APIFixture) async throws {
        let writes: [(HTTPRequest.Method, String, String?)] = [
            (.put, "/v1/namespaces/a", #"{"name":"a","spec":{"owners":["user:owner"],"editors":["user:editor"],"viewers":["user:viewer"]}}"#),
            (.put, "/v1/namespaces/b", #"{"name":"b","spec":{"owners":["user:other"]}}"#),
            (.put, "/v1/namespaces/a/widgets/w", widget),
            (.put, "/v1/things/t", #"{"name":"t"}"#),
            (.put, "/v1/users/target", #"{"name":"target"}"#),
            (.put, "/v1/namespaces/a/services/web", service),
            (.put, "/v1/namespaces/a/services/web/instances/i1", instance),
            (.delete, "/v1/namespaces/a/secrets/s?destroy=true", nil),
            (.put, "/v1/namespaces/a/secrets/s", #"{"value":"m"}"#),
            (.put, "/v1/namespaces/a/kv/k", "v"),
            (.put, "/v1/namespaces/a/serviceaccounts/robot", #"{"name":"robot","spec":{}}"#),
            (.delete, "/v1/namespaces/a/services/fresh-svc", nil),
            (.delete, "/v1/namespaces/a/widgets/fresh", nil),
            (.delete, "/v1/things/new-thing", nil),
            (.delete, "/v1/users/newbie", nil),
            (.delete, "/v1/namespaces/fresh", nil),
        ]
        for (method, path, body) in writes {
            let response = try await api.request(method, path, json: body)
            guard response.status < 300 || (method == .delete && response.status == 404) else {
                throw TestFailure("reset \(method) \(path): \(response.status) \(response.text)")
            }
        }
    }

    static func method(_ route: String) -> HTTPRequest.Method {
        HTTPRequest.Method(String(route.split(separator: " ")[0]))!
    }
}
