//! What an image, a port or a scheme says: datastores and brokers by image, protocols by
//! scheme, port name and well-known port, and the telemetry and health-check plumbing that is
//! kept out of the dependency graph.

use crate::load::manifest::BrokerKind;
use crate::model::Protocol;

/// What a workload is, judged from its image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Service,
    /// A datastore of this kind (`redis`, `postgres`, ...).
    Datastore(String),
    Broker(BrokerKind),
    /// Tracing, metrics and logging infrastructure.
    Telemetry,
}

/// The role an image name implies: `redis:alpine` is a redis datastore, `nats:2.10` a broker.
pub fn role_of_image(image: &str) -> Role {
    // `registry.example.com:5000/library/postgres:16@sha256:...` -> `postgres`
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    let repo = without_digest.to_ascii_lowercase();
    let telemetry_names = [
        "otel-collector",
        "opentelemetry-collector",
        "opentelemetry-collector-contrib",
        "all-in-one",
        "zipkin",
        "prometheus",
        "grafana",
        "tempo",
        "loki",
        "promtail",
        "alertmanager",
        "node-exporter",
        "fluentd",
        "fluent-bit",
        "statsd",
        "vector",
        "otel-lgtm",
    ];
    let telemetry_vendors = ["jaegertracing/", "datadog/", "otel/", "signoz/"];
    if telemetry_names.contains(&name.as_str())
        || telemetry_vendors.iter().any(|v| repo.contains(v))
    {
        return Role::Telemetry;
    }
    match name.as_str() {
        "redis" | "valkey" | "keydb" => Role::Datastore("redis".into()),
        "postgres" | "postgresql" | "postgis" | "timescaledb" => Role::Datastore("postgres".into()),
        "mysql" | "mariadb" | "percona" => Role::Datastore("mysql".into()),
        "mongo" | "mongodb" => Role::Datastore("mongodb".into()),
        "cassandra" | "scylla" => Role::Datastore("cassandra".into()),
        "elasticsearch" | "opensearch" | "meilisearch" | "typesense" | "solr" => {
            Role::Datastore(name.clone())
        }
        "memcached" => Role::Datastore("memcached".into()),
        "minio" => Role::Datastore("s3".into()),
        "nats" | "nats-streaming" => Role::Broker(BrokerKind::Nats),
        "kafka" | "cp-kafka" | "cp-server" => Role::Broker(BrokerKind::Kafka),
        "redpanda" => Role::Broker(BrokerKind::Redpanda),
        "rabbitmq" => Role::Broker(BrokerKind::Rabbitmq),
        _ => Role::Service,
    }
}

/// The protocol a URL scheme names.
pub fn protocol_of_scheme(scheme: &str) -> Option<Protocol> {
    Some(match scheme {
        "http" | "https" | "lb" => Protocol::Http,
        "ws" | "wss" => Protocol::Websocket,
        "grpc" | "grpcs" | "dns" => Protocol::Grpc,
        "nats" | "tls" => Protocol::Nats,
        "kafka" => Protocol::Kafka,
        "amqp" | "amqps" => Protocol::Amqp,
        "redis" | "rediss" => Protocol::Redis,
        "postgres" | "postgresql" => Protocol::Postgres,
        "mysql" | "mariadb" => Protocol::Mysql,
        "mongodb" | "mongodb+srv" => Protocol::Mongodb,
        "sqlserver" => Protocol::Other("sqlserver".into()),
        _ => return None,
    })
}

/// The protocol a Kubernetes port name or `appProtocol` names (`grpc`, `http-web`, `tcp-redis`).
pub fn protocol_of_port_name(name: &str) -> Option<Protocol> {
    let name = name.to_ascii_lowercase();
    let word = name.split(['-', '_']).collect::<Vec<_>>();
    if word.iter().any(|w| w.starts_with("grpc") || *w == "h2c") {
        Some(Protocol::Grpc)
    } else if word
        .iter()
        .any(|w| matches!(*w, "http" | "https" | "http2" | "web"))
    {
        Some(Protocol::Http)
    } else {
        word.iter().find_map(|w| {
            protocol_of_scheme(w).filter(|p| !matches!(p, Protocol::Http | Protocol::Grpc))
        })
    }
}

/// The protocol conventionally spoken on a port.
pub fn protocol_of_port(port: u16) -> Option<Protocol> {
    Some(match port {
        80 | 443 | 8000 | 8080 | 8443 | 3000 => Protocol::Http,
        50051 => Protocol::Grpc,
        6379 => Protocol::Redis,
        5432 => Protocol::Postgres,
        3306 => Protocol::Mysql,
        27017 => Protocol::Mongodb,
        9092 => Protocol::Kafka,
        4222 => Protocol::Nats,
        5672 => Protocol::Amqp,
        _ => return None,
    })
}

/// Settings that carry telemetry, not calls the application makes.
pub fn is_telemetry_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    [
        "OTEL",
        "OTLP",
        "JAEGER",
        "ZIPKIN",
        "COLLECTOR",
        "TRACING",
        "TRACE_",
        "PROMETHEUS",
        "STATSD",
        "DATADOG",
        "DD_AGENT",
        "SENTRY",
        "NEW_RELIC",
        "NEWRELIC",
        "HONEYCOMB",
        "LOKI",
        "FLUENT",
        "METRICS_",
        "PROFILER",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// Ports of tracing and metrics collectors (OTLP, Jaeger, Zipkin, StatsD).
pub fn is_telemetry_port(port: u16) -> bool {
    matches!(
        port,
        4317 | 4318 | 14250 | 14268 | 6831 | 6832 | 9411 | 8125
    )
}

/// Health-check URLs: probes, not dependencies.
pub fn is_health_path(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    [
        "/health",
        "/_health",
        "/healthz",
        "/_healthz",
        "/ready",
        "/readyz",
        "/live",
        "/livez",
        "/ping",
        "/status/health",
    ]
    .iter()
    .any(|h| p == *h || p.starts_with(&format!("{h}/")) || p.starts_with(&format!("{h}?")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_say_what_they_are() {
        assert_eq!(
            role_of_image("redis:alpine"),
            Role::Datastore("redis".into())
        );
        assert_eq!(
            role_of_image("docker.io/library/postgres:16@sha256:abc"),
            Role::Datastore("postgres".into())
        );
        assert_eq!(
            role_of_image("bitnami/kafka:3.7"),
            Role::Broker(BrokerKind::Kafka)
        );
        assert_eq!(
            role_of_image("otel/opentelemetry-collector-contrib:0.100"),
            Role::Telemetry
        );
        assert_eq!(
            role_of_image("registry:5000/shop/cartservice:v1"),
            Role::Service
        );
        assert_eq!(
            role_of_image("grafana/k6:0.50"),
            Role::Service,
            "a load generator, not telemetry"
        );
        assert_eq!(
            role_of_image("jaegertracing/all-in-one:1.57"),
            Role::Telemetry
        );
    }

    #[test]
    fn protocols_from_names_and_ports() {
        assert_eq!(protocol_of_port_name("grpc"), Some(Protocol::Grpc));
        assert_eq!(protocol_of_port_name("http-web"), Some(Protocol::Http));
        assert_eq!(protocol_of_port_name("tcp-redis"), Some(Protocol::Redis));
        assert_eq!(protocol_of_port(6379), Some(Protocol::Redis));
        assert!(is_telemetry_key("OTEL_EXPORTER_OTLP_ENDPOINT"));
        assert!(!is_telemetry_key("CART_SERVICE_ADDR"));
        assert!(is_health_path("/_healthz") && !is_health_path("/orders"));
    }
}
