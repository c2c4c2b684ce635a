//! What an image, a port or a scheme says: datastores and brokers by image, protocols by
//! scheme, port name and well-known port, and the telemetry and health-check plumbing that is
//! kept out of the dependency graph.

use crate::load::manifest::BrokerKind;
use crate::model::Protocol;

mod products;

pub use products::{of_command, of_env_keys, of_name, of_ports};

/// What a workload is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// An application service (a website or gateway is one too, with its own kind).
    Service,
    /// A datastore of this kind (`redis`, `postgres`, ...).
    Datastore(String),
    Broker(BrokerKind),
    /// Platform plumbing that application rules do not judge.
    Infrastructure(Infra),
    /// Tracing, metrics and logging infrastructure, kept out of the graph.
    Telemetry,
}

/// The kinds of infrastructure told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Infra {
    Discovery,
    ConfigServer,
    SchemaRegistry,
    /// ZooKeeper, etcd.
    Coordination,
    Identity,
    FeatureFlags,
    Secrets,
    LogServer,
    AdminUi,
    Mail,
    /// Stand-ins for cloud services and other systems (LocalStack, WireMock).
    Emulator,
    /// Development tooling (a contract-test broker).
    Tooling,
    /// A one-off task (a Kubernetes Job) that runs a datastore's or broker's image to set it
    /// up: a client of it for a while, not a server.
    SetupTask,
}

impl Infra {
    pub fn describe(self) -> &'static str {
        match self {
            Infra::Discovery => "service discovery",
            Infra::ConfigServer => "configuration server",
            Infra::SchemaRegistry => "schema registry",
            Infra::Coordination => "coordination service",
            Infra::Identity => "identity provider",
            Infra::FeatureFlags => "feature-flag service",
            Infra::Secrets => "secrets store",
            Infra::LogServer => "log server",
            Infra::AdminUi => "administration UI",
            Infra::Mail => "mail catcher",
            Infra::Emulator => "emulator",
            Infra::Tooling => "development tooling",
            Infra::SetupTask => "setup task",
        }
    }
}

/// What a workload shows of itself.
#[derive(Debug, Default)]
pub struct Signals<'a> {
    pub name: &'a str,
    pub images: Vec<&'a str>,
    pub commands: Vec<&'a str>,
    pub env_keys: Vec<&'a str>,
    pub ports: Vec<u16>,
    /// Where its volumes are mounted: a server keeps its data in a folder of its own.
    pub data_dirs: Vec<&'a str>,
}

/// What a workload is, from the strongest signal that says: its image, its command, its own
/// server settings, the data folder it mounts, its name, and last the ports it serves. An
/// application image that names no product is a service whatever its ports say, unless it or
/// its image is named a database (`accounts-db` serving only 5432 is a PostgreSQL build).
pub fn of_workload(signals: &Signals<'_>) -> Role {
    let custom_image = !signals.images.is_empty();
    signals
        .images
        .iter()
        .find_map(|i| products::of_image(i))
        .or_else(|| signals.commands.iter().find_map(|c| of_command(c)))
        .or_else(|| of_env_keys(signals.env_keys.iter().copied()))
        .or_else(|| {
            signals
                .data_dirs
                .iter()
                .find_map(|d| products::of_data_dir(d))
        })
        .or_else(|| of_name(signals.name))
        .or_else(|| {
            let named_image = signals.images.iter().any(|i| products::names_product(i));
            let database = products::names_a_database(signals.name)
                || signals.images.iter().any(|i| products::names_a_database(i));
            (!custom_image || named_image || database)
                .then(|| of_ports(&signals.ports))
                .flatten()
        })
        .unwrap_or(Role::Service)
}

/// The role an image name implies (tests read images alone).
#[cfg(test)]
fn role_of_image(image: &str) -> Role {
    products::of_image(image).unwrap_or(Role::Service)
}

/// The protocol a URL scheme names.
pub fn protocol_of_scheme(scheme: &str) -> Option<Protocol> {
    Some(match scheme {
        "http" | "https" | "lb" => Protocol::Http,
        "ws" | "wss" => Protocol::Websocket,
        "grpc" | "grpcs" | "dns" => Protocol::Grpc,
        "thrift" | "thrifts" => Protocol::Thrift,
        "nats" | "tls" => Protocol::Nats,
        "kafka" => Protocol::Kafka,
        "amqp" | "amqps" => Protocol::Amqp,
        "redis" | "rediss" => Protocol::Redis,
        "postgres" | "postgresql" => Protocol::Postgres,
        "mysql" | "mariadb" => Protocol::Mysql,
        "mongodb" | "mongodb+srv" => Protocol::Mongodb,
        "sqlserver" | "mssql" => Protocol::Other("sqlserver".into()),
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

/// What a setting holds when its name says it is not a call the service makes: `health check`
/// (`HealthChecksUI__HealthChecks__0__Uri`, `CatalogUrlHC`, `LIVENESS_URL`; not
/// `HEALTH_RECORDS_URL`), or `browser link`
/// (OIDC redirect and callback URLs, logout targets, CORS origins, Swagger UI's OAuth links,
/// public asset and CDN URLs): addresses a browser or another system follows, not this service.
/// An issuer or token URL is a call (the service fetches keys and tokens) and is not matched.
pub fn not_a_call(key: &str) -> Option<&'static str> {
    if is_tool_setting(key) {
        return Some("build tool or proxy setting");
    }
    let words = super::topics::words(key);
    let has = |w: &str| words.iter().any(|x| x == w);
    let checks = ["check", "checks", "probe", "endpoint"]
        .iter()
        .any(|w| has(w));
    if (has("health") && checks)
        || has("healthcheck")
        || has("healthchecks")
        || has("liveness")
        || has("readiness")
        || words.last().is_some_and(|w| w == "hc")
    {
        return Some("health check");
    }
    let browser = [
        "redirect",
        "callback",
        "logout",
        "cors",
        "springdoc",
        "swagger",
    ]
    .iter()
    .any(|w| has(w))
        || (has("allowed") && (has("origin") || has("origins")))
        || words.last().is_some_and(|w| w == "origins")
        || ["asset", "assets", "cdn", "static"].iter().any(|w| has(w))
        || ((has("authorization") || has("authorize")) && (has("uri") || has("url")));
    browser.then_some("browser link")
}

/// Where package managers download from (`GOPROXY`, `NPM_CONFIG_REGISTRY`, `PIP_INDEX_URL`) and
/// the outbound proxy (`HTTPS_PROXY`, `NO_PROXY`): settings of tools and of the network, often
/// left in an image by its Dockerfile, not services the application calls.
fn is_tool_setting(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "GOPROXY"
            | "GOPRIVATE"
            | "GONOPROXY"
            | "GONOSUMDB"
            | "GOSUMDB"
            | "GOFLAGS"
            | "NPM_CONFIG_REGISTRY"
            | "YARN_REGISTRY"
            | "PIP_INDEX_URL"
            | "PIP_EXTRA_INDEX_URL"
            | "PIP_TRUSTED_HOST"
            | "UV_INDEX_URL"
            | "UV_EXTRA_INDEX_URL"
            | "POETRY_REPOSITORIES"
            | "NUGET_SOURCE"
            | "HTTP_PROXY"
            | "HTTPS_PROXY"
            | "NO_PROXY"
            | "ALL_PROXY"
    ) || upper.starts_with("CARGO_REGISTRIES_")
        || upper.starts_with("NPM_CONFIG_")
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
    fn package_registries_and_proxies_are_not_calls() {
        for key in [
            "GOPROXY",
            "npm_config_registry",
            "PIP_INDEX_URL",
            "HTTPS_PROXY",
            "no_proxy",
        ] {
            assert_eq!(
                not_a_call(key),
                Some("build tool or proxy setting"),
                "{key}"
            );
        }
        for key in ["CATALOG_URL", "PROXY_TARGET", "REGISTRY_HOST"] {
            assert_ne!(
                not_a_call(key),
                Some("build tool or proxy setting"),
                "{key}"
            );
        }
    }

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
