import Metrics
import Prometheus

extension HearthServer {
    /// Makes Prometheus the process's metrics backend (`GET /metrics` serves the registry
    /// returned) with buckets fit for Hearth: store operations take microseconds, requests
    /// milliseconds. Once per process, before the server is made: `hearth server` and the
    /// benchmark's `hearth-bench open-server`, so that both pay the same for their metrics.
    public static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
