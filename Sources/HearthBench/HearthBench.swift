import ArgumentParser

/// `hearth-bench`: what the benchmarks need beside the `hearth` binary. Not installed, not for
/// production: `scripts/bench/resources` builds and runs it.
@main
struct HearthBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth-bench",
        abstract: "Benchmark helpers for Hearth (not for production use).",
        subcommands: [OpenServerCommand.self, MicroCommand.self, AuditCostCommand.self])
}
