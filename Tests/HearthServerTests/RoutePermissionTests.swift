import Foundation
import HTTPTypes
import HearthCore
import HearthServer
import HearthTestSupport
import Testing

/// Walks the router: every route declares a permission, only the known public routes are
/// anonymous, and every other route refuses an anonymous caller before its handler runs.
@Suite("Route permissions")
struct RoutePermissionTests {
    static let anonymousRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /metrics", "GET /v1/openapi.json", "GET /v1/cluster", "GET /v1/cluster/ca.pem",
        "GET /.well-known/jwks.json", "POST /v1/setup", "POST /v1/auth/login", "POST /v1/auth/refresh", "POST /v1/auth/token",
        "GET /v1/pki/ca.pem", "GET /v1/pki/crl",
    ]

    @Test("every route has a permission; only the public ones are anonymous; the rest answer 401 to anonymous callers")
    func walk() async throws {
        try await APIFixture.with(.sqlite) { api in
            let (_, routes) = try api.server.makeRouter()
            #expect(routes.count > 40)
            let anonymous = Set(routes.filter { $0.permission == .anonymous }.map(\.description))
            #expect(anonymous == Self.anonymousRoutes)
            for (number, route) in routes.enumerated() {
                // Unauthenticated refusals are audited up to a burst of 50 per address, then 10 a
                // second: pause now and then so that every one of them is recorded.
                if number > 0, number % 40 == 0 { try await Task.sleep(for: .seconds(4)) }
                // Resource routes name a verb the roles know.
                if case .resource(let verb) = route.permission { #expect(Verbs.known.contains(verb.rawValue), "\(route)") }
                guard route.permission != .anonymous else { continue }
                let path = route.path
                    .replacingOccurrences(of: "{type}", with: "widgets").replacingOccurrences(of: "{namespace}", with: "demo")
                    .replacingOccurrences(of: "{name}", with: "w").replacingOccurrences(of: "{id}", with: "0123456789ab")
                    .replacingOccurrences(of: "{service}", with: "web").replacingOccurrences(of: "{check}", with: "c")
                    .replacingOccurrences(of: "{result}", with: "pass").replacingOccurrences(of: "{key}", with: "k")
                    .replacingOccurrences(of: "{serial}", with: "7F00")
                let response = try await api.request(route.method, path, json: "{}", as: .none)
                #expect(response.status == 401, "\(route) answered \(response.status) to an anonymous caller")
            }
            // Writes that were refused before any handler ran left nothing behind but audit entries.
            let denied = try await api.request(.get, "/v1/audit?decision=denied&principal=anonymous&limit=1000")
            #expect((denied.json["items"]?.arrayValue?.count ?? 0) >= routes.count - Self.anonymousRoutes.count)
        }
    }
}
