import HearthCore
import Testing

@Suite("Health check state machine")
struct CheckProgressTests {
    @Test("a new check starts at its initial state and turns passing on the first pass by default")
    func defaults() {
        var progress = CheckProgress(initial: .critical)
        #expect(progress.state == .critical)
        let changed1 = progress.record(.passing)
        #expect(changed1)
        #expect(progress.state == .passing)
        let changed2 = progress.record(.critical)
        #expect(changed2)
        #expect(progress.state == .critical)
    }

    @Test("thresholds: a flapping target does not flap the state")
    func flapping() {
        var progress = CheckProgress(initial: .passing, successThreshold: 3, failureThreshold: 2)
        // pass, fail, pass, fail ... never two failures in a row: stays passing.
        for result in [HealthState.critical, .passing, .critical, .passing, .critical, .passing] {
            let changed3 = progress.record(result)
        #expect(!changed3)
            #expect(progress.state == .passing)
        }
        let changed4 = progress.record(.critical)
        #expect(!changed4)
        let changed5 = progress.record(.critical)
        #expect(changed5)
        #expect(progress.state == .critical)
        // Two passes are not enough to come back; a failure in between starts over.
        progress.record(.passing)
        progress.record(.passing)
        #expect(progress.state == .critical)
        progress.record(.critical)
        progress.record(.passing)
        progress.record(.passing)
        #expect(progress.state == .critical)
        let changed6 = progress.record(.passing)
        #expect(changed6)
        #expect(progress.state == .passing)
    }

    @Test("a failing check follows the severity of the latest failure")
    func severity() {
        var progress = CheckProgress(initial: .passing, failureThreshold: 1)
        progress.record(.warning)
        #expect(progress.state == .warning)
        progress.record(.critical)
        #expect(progress.state == .critical)
        progress.record(.warning)
        #expect(progress.state == .warning)
    }
}

@Suite("Instance health")
struct InstanceHealthTests {
    let names = ["http", "ttl"]

    func report(_ name: String, _ state: HealthState) -> InstanceHealth.CheckReport {
        InstanceHealth.CheckReport(name: name, type: name == "ttl" ? .ttl : .http, state: state, output: "out", checkedAt: "2026-11-21T00:00:00.000Z")
    }

    @Test("the instance's health is its worst check; unrun checks count at the initial state")
    func worst() {
        var health = InstanceHealth.merging(report("http", .passing), into: nil, checkNames: names, initial: .critical, now: "t1")
        #expect(health.health == .critical)
        #expect(health.criticalSince == "t1")
        health = InstanceHealth.merging(report("ttl", .warning), into: health, checkNames: names, initial: .critical, now: "t2")
        #expect(health.health == .warning)
        #expect(health.criticalSince == nil)
        #expect(health.checks.map(\.name) == names)
        health = InstanceHealth.merging(report("http", .critical), into: health, checkNames: names, initial: .critical, now: "t3")
        #expect(health.health == .critical)
        health = InstanceHealth.merging(report("ttl", .critical), into: health, checkNames: names, initial: .critical, now: "t4")
        #expect(health.criticalSince == "t3", "critical since the first critical result, not the latest")
    }

    @Test("reports of checks the instance no longer has are dropped")
    func dropped() {
        let health = InstanceHealth(health: .critical, checks: [report("old", .critical)])
        let merged = InstanceHealth.merging(report("http", .passing), into: health, checkNames: ["http"], initial: .critical, now: "t")
        #expect(merged.checks.map(\.name) == ["http"])
        #expect(merged.health == .passing)
    }

    @Test("output is cut to 4 KB on a character boundary")
    func truncation() {
        let long = String(repeating: "é", count: 3000)
        let cut = InstanceHealth.truncate(long)
        #expect(cut.utf8.count <= HealthCheckSpec.maxOutputBytes)
        #expect(cut.hasSuffix("..."))
        #expect(InstanceHealth.truncate("short") == "short")
    }

    @Test("the status carries the health and a Healthy condition")
    func status() throws {
        let health = InstanceHealth(health: .critical, checks: [report("http", .critical)], criticalSince: "t")
        let status = health.status(from: ResourceStatus(phase: .ready), now: "t")
        #expect(status.conditions.first { $0.type == "Healthy" }?.status == "False")
        #expect(status.message == "http: critical")
        let resource = Resource(type: "instances", name: "a", status: status)
        #expect(InstanceHealth.of(resource) == health)
    }
}

@Suite("Health check specs")
struct HealthCheckSpecTests {
    @Test("status ranges parse; nonsense does not")
    func ranges() {
        #expect(HealthCheckSpec.statusRanges(nil) == [200...299])
        #expect(HealthCheckSpec.statusRanges("200-399") == [200...399])
        #expect(HealthCheckSpec.statusRanges("200, 204") == [200...200, 204...204])
        for bad in ["abc", "99", "300-200", "200-", "600", "1-2-3"] {
            #expect(HealthCheckSpec.statusRanges(bad) == nil, "\(bad)")
        }
    }

    @Test("default names are the type, numbered when a type repeats")
    func names() {
        let checks = [HealthCheckSpec(type: .http), HealthCheckSpec(type: .tcp), HealthCheckSpec(type: .http), HealthCheckSpec(type: .ttl, name: "beat")]
        #expect(HealthCheckSpec.names(of: checks) == ["http-1", "tcp", "http-2", "beat"])
    }

    @Test("violations name the field and the reason")
    func violations() {
        var bad = HealthCheckSpec(type: .http, target: "ftp://x", interval: "100ms")
        bad.expectedStatus = "abc"
        var ttl = HealthCheckSpec(type: .ttl, target: "1.2.3.4:5")
        ttl.ttl = "10s"
        let tcp = HealthCheckSpec(type: .tcp, name: "dup", target: "nope")
        let dup = HealthCheckSpec(type: .grpc, name: "dup", target: "[::1]:9000")
        let fields = HealthCheckSpec.violations(of: [bad, ttl, tcp, dup], field: "spec.checks").map(\.field)
        #expect(fields.contains("spec.checks[0].target"))
        #expect(fields.contains("spec.checks[0].interval"))
        #expect(fields.contains("spec.checks[0].expectedStatus"))
        #expect(fields.contains("spec.checks[1].target"))
        #expect(!fields.contains("spec.checks[1].ttl"))
        #expect(fields.contains("spec.checks[2].target"))
        #expect(!fields.contains("spec.checks[3].target"))
        #expect(fields.contains("spec.checks[3].name"))
    }

    @Test("host:port parses names, IPv4 and bracketed IPv6")
    func hostPort() {
        #expect(HostPort.parse("db.internal:5432") == HostPort(host: "db.internal", port: 5432))
        #expect(HostPort.parse("10.0.0.1:80") == HostPort(host: "10.0.0.1", port: 80))
        #expect(HostPort.parse("[2001:db8::1]:53") == HostPort(host: "2001:db8::1", port: 53))
        #expect(HostPort.parse("[2001:db8::1]:53")?.description == "[2001:db8::1]:53")
        for bad in ["x", "x:0", "x:70000", "2001:db8::1:53", "[x]:1", ":80", "a b:1"] {
            #expect(HostPort.parse(bad) == nil, "\(bad)")
        }
    }
}

@Suite("Weighted selection")
struct WeightedSelectionTests {
    @Test("picks in proportion to weight")
    func proportions() {
        let selection = WeightedSelection([("a", 1), ("b", 3), ("c", 0)])
        var generator = SystemRandomNumberGenerator()
        var counts: [String: Int] = [:]
        for _ in 0..<50_000 { counts[selection.pick(using: &generator)!, default: 0] += 1 }
        let a = Double(counts["a"] ?? 0)
        let b = Double(counts["b"] ?? 0)
        let c = Double(counts["c"] ?? 0)
        // Weight 0 counts as 1: expected shares 1/5, 3/5, 1/5.
        #expect(abs(b / 50_000 - 0.6) < 0.02)
        #expect(abs(a / 50_000 - 0.2) < 0.02)
        #expect(abs(c / 50_000 - 0.2) < 0.02)
        #expect(WeightedSelection<String>([]).pick() == nil)
    }
}
