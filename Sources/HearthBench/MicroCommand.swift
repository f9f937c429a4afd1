import ArgumentParser
import Foundation
import HearthCore
import HearthSecurity

/// Micro benchmarks of the two checks every authenticated request makes (verifying an access
/// token, deciding a request against the role bindings) and of the audit entry every audited
/// write stores.
struct MicroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro", abstract: "Time access-token verification and policy evaluation per request.")

    @Option(help: "Iterations of each measurement.")
    var iterations = 20_000

    @Option(help: "Role bindings in the policy (spread over namespaces, with groups).")
    var bindings = 100

    func run() async throws {
        // Token verification: a full Ed25519 JWT verification with every claim checked, as a
        // replica does the first time it sees a token (later requests hit its cache of verified
        // tokens, which is a dictionary lookup).
        let key = try SigningKey.generate()
        let service = try await AccessTokenService(clusterID: "bench-cluster", signingKey: key)
        let (token, _) = try await service.issue(subject: "user:alice", sessionID: "session-1", ttl: .seconds(900))
        _ = try await service.verify(token)
        let verify = try await Self.time(iterations) { _ = try await service.verify(token) }

        // The cache lookup that replaces it on later requests.
        var cache: [String: Int] = [:]
        for index in 0..<1000 { cache["\(token)-\(index)"] = index }
        cache[token] = -1
        let lookup = try await Self.time(iterations * 10) { _ = cache[token] }

        // Policy evaluation: a caller with two groups, against `bindings` bindings in 20
        // namespaces, for an allowed request and a denied one (the slow path: every subject checked).
        var all: [RoleBinding] = []
        for index in 0..<bindings {
            let namespace = "ns-\(index % 20)"
            let subject: Subject = index % 3 == 0 ? .group("team-\(index % 7)") : .user("user-\(index)")
            all.append(RoleBinding(name: "b-\(index)", roleName: ["owner", "editor", "viewer"][index % 3], subjects: [subject], scope: .namespace(namespace)))
        }
        all.append(RoleBinding(name: "alice-edits", roleName: "editor", subjects: [.user("alice")], scope: .namespace("ns-3")))
        let evaluator = PolicyEvaluator(bindings: all)
        let alice = Principal.user("alice", groups: ["team-1", "team-2"])
        let allowed = AccessRequest(verb: "update", resource: "widgets", namespace: "ns-3", name: "w")
        // An editor may not touch role bindings: denied after every subject's grants are checked.
        let denied = AccessRequest(verb: "delete", resource: "rolebindings", namespace: "ns-3", name: "b")
        precondition(evaluator.decide(alice, allowed).isAllowed && !evaluator.decide(alice, denied).isAllowed)
        let allow = try await Self.time(iterations * 10) { _ = evaluator.decide(alice, allowed) }
        let deny = try await Self.time(iterations * 10) {
            _ = evaluator.decide(alice, denied)
            _ = evaluator.canSeeNamespace(alice, "ns-3")
        }

        // The same decision made by two threads at once, on one shared principal and evaluator,
        // as a server's requests on two cores make it: what the cache lines they share cost.
        let allowTwo = Self.timeOnThreads(2, iterations * 10) { _ = evaluator.decide(alice, allowed) }

        // The audit entry every audited write appends, made as a request makes it (its time read
        // and formatted); the store binds its fields to columns as they are.
        let audit = try await Self.time(iterations * 10) {
            _ = AuditEntry(
                principal: "user:alice", source: "127.0.0.1", requestID: "f269951119ce92e80000000000000002", verb: "create", resource: "widgets",
                namespace: "ns-3", name: "w", decision: AuditEntry.allowed, reason: "role editor in namespace ns-3 (binding alice-edits)", status: 201)
        }

        // What a namespace write costs the access view before indexing: its member lists compiled.
        let namespace = Resource(
            type: BuiltinTypes.namespaceTypeName, name: "ns-3", spec: .object(["owners": .array([.string("user:alice")]), "description": .string("x")]))
        let members = try await Self.time(iterations * 10) { _ = NamespaceMembership(namespace: namespace).subjectTexts }
        // The grant, as the audit entry's reason.
        let grant = evaluator.decide(alice, allowed).grant!
        let reason = try await Self.time(iterations * 10) { _ = grant.description }

        print("access-token verification (Ed25519 JWT, all claims), first sight: \(Self.format(verify)) per token")
        print("verified-token cache lookup, later requests:                     \(Self.format(lookup)) per request")
        print("policy decision, allowed (\(bindings + 1) bindings, 2 groups):             \(Self.format(allow)) per request")
        print("the same decision, two threads at once (wall time per call):     \(Self.format(allowTwo)) per request")
        print("policy decision + namespace visibility, denied:                  \(Self.format(deny)) per request")
        print("audit entry made (time included), each audited write:            \(Self.format(audit)) per write")
        print("the grant as the audit entry's reason, each audited write:       \(Self.format(reason)) per write")
        print("a namespace's member lists compiled, each namespace write:       \(Self.format(members)) per write")
    }

    /// Mean time of one call over `count` calls, after a warm-up.
    static func time(_ count: Int, _ body: () async throws -> Void) async throws -> Duration {
        for _ in 0..<min(count / 10, 1000) { try await body() }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try await body() }
        return (clock.now - start) / count
    }

    /// Mean time of one call when `threads` threads each make `count` calls at once: the wall
    /// time over `count`, so with no interference it equals the one-thread figure.
    static func timeOnThreads(_ threads: Int, _ count: Int, _ body: @escaping @Sendable () -> Void) -> Duration {
        let clock = ContinuousClock()
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            ready.enter()
            done.enter()
            Thread.detachNewThread {
                for _ in 0..<min(count / 10, 1000) { body() }
                ready.leave()
                start.wait()
                for _ in 0..<count { body() }
                done.leave()
            }
        }
        ready.wait()
        let began = clock.now
        for _ in 0..<threads { start.signal() }
        done.wait()
        return (clock.now - began) / count
    }

    static func format(_ duration: Duration) -> String {
        let nanoseconds = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
        return nanoseconds >= 1000 ? String(format: "%.2f µs", nanoseconds / 1000) : String(format: "%.0f ns", nanoseconds)
    }
}
