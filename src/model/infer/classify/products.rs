//! What a workload is, from what it runs: the products behind images, names, commands and
//! environment keys. A product word is matched whole (`mysql` in `rs-mysql-db`), and a word
//! that names an application's own job (`consumer`, `api`, `exporter`) vetoes it, so
//! `shop/kafka-consumer` stays a service.

use crate::load::manifest::BrokerKind;

use super::{Infra, Role};

/// Product words and what they are.
const PRODUCTS: &[(&str, Kind)] = &[
    // datastores
    ("redis", Kind::Store("redis")),
    ("valkey", Kind::Store("redis")),
    ("keydb", Kind::Store("redis")),
    ("dragonfly", Kind::Store("redis")),
    ("postgres", Kind::Store("postgres")),
    ("postgresql", Kind::Store("postgres")),
    ("postgis", Kind::Store("postgres")),
    ("timescaledb", Kind::Store("postgres")),
    ("pgvector", Kind::Store("postgres")),
    ("cockroach", Kind::Store("postgres")),
    ("cockroachdb", Kind::Store("postgres")),
    ("mysql", Kind::Store("mysql")),
    ("mariadb", Kind::Store("mysql")),
    ("percona", Kind::Store("mysql")),
    ("mongo", Kind::Store("mongodb")),
    ("mongodb", Kind::Store("mongodb")),
    ("mssql", Kind::Store("sqlserver")),
    ("sqlserver", Kind::Store("sqlserver")),
    ("azure-sql-edge", Kind::Store("sqlserver")),
    ("oracle", Kind::Store("oracle")),
    ("cassandra", Kind::Store("cassandra")),
    ("scylla", Kind::Store("cassandra")),
    ("elasticsearch", Kind::Store("elasticsearch")),
    ("opensearch", Kind::Store("elasticsearch")),
    ("meilisearch", Kind::Store("meilisearch")),
    ("typesense", Kind::Store("typesense")),
    ("solr", Kind::Store("solr")),
    ("memcached", Kind::Store("memcached")),
    ("minio", Kind::Store("s3")),
    ("azurite", Kind::Store("azure-storage")),
    ("couchdb", Kind::Store("couchdb")),
    ("couchbase", Kind::Store("couchbase")),
    ("neo4j", Kind::Store("neo4j")),
    ("influxdb", Kind::Store("influxdb")),
    ("clickhouse", Kind::Store("clickhouse")),
    ("dynamodb", Kind::Store("dynamodb")),
    ("arangodb", Kind::Store("arangodb")),
    ("hazelcast", Kind::Store("hazelcast")),
    ("qdrant", Kind::Store("qdrant")),
    // brokers
    ("nats", Kind::Broker(BrokerKind::Nats)),
    ("nats-streaming", Kind::Broker(BrokerKind::Nats)),
    ("kafka", Kind::Broker(BrokerKind::Kafka)),
    ("cp-kafka", Kind::Broker(BrokerKind::Kafka)),
    ("cp-server", Kind::Broker(BrokerKind::Kafka)),
    ("redpanda", Kind::Broker(BrokerKind::Redpanda)),
    ("rabbitmq", Kind::Broker(BrokerKind::Rabbitmq)),
    ("pubsub-emulator", Kind::Broker(BrokerKind::Pubsub)),
    // infrastructure
    ("zookeeper", Kind::Infra(Infra::Coordination)),
    ("cp-zookeeper", Kind::Infra(Infra::Coordination)),
    ("etcd", Kind::Infra(Infra::Coordination)),
    ("eureka", Kind::Infra(Infra::Discovery)),
    ("consul", Kind::Infra(Infra::Discovery)),
    // The names Spring and .NET samples give a Eureka or Consul server they build themselves.
    ("discovery-server", Kind::Infra(Infra::Discovery)),
    ("discovery-service", Kind::Infra(Infra::Discovery)),
    ("service-registry", Kind::Infra(Infra::Discovery)),
    ("config-server", Kind::Infra(Infra::ConfigServer)),
    ("configserver", Kind::Infra(Infra::ConfigServer)),
    ("schema-registry", Kind::Infra(Infra::SchemaRegistry)),
    ("cp-schema-registry", Kind::Infra(Infra::SchemaRegistry)),
    ("apicurio-registry", Kind::Infra(Infra::SchemaRegistry)),
    ("karapace", Kind::Infra(Infra::SchemaRegistry)),
    ("keycloak", Kind::Infra(Infra::Identity)),
    ("dex", Kind::Infra(Infra::Identity)),
    ("hydra", Kind::Infra(Infra::Identity)),
    ("authelia", Kind::Infra(Infra::Identity)),
    ("zitadel", Kind::Infra(Infra::Identity)),
    ("unleash", Kind::Infra(Infra::FeatureFlags)),
    ("unleash-server", Kind::Infra(Infra::FeatureFlags)),
    ("flagd", Kind::Infra(Infra::FeatureFlags)),
    ("flagsmith", Kind::Infra(Infra::FeatureFlags)),
    ("vault", Kind::Infra(Infra::Secrets)),
    ("seq", Kind::Infra(Infra::LogServer)),
    ("graylog", Kind::Infra(Infra::LogServer)),
    ("kibana", Kind::Infra(Infra::AdminUi)),
    ("spring-boot-admin", Kind::Infra(Infra::AdminUi)),
    ("admin-server", Kind::Infra(Infra::AdminUi)),
    ("pgadmin", Kind::Infra(Infra::AdminUi)),
    ("pgadmin4", Kind::Infra(Infra::AdminUi)),
    ("adminer", Kind::Infra(Infra::AdminUi)),
    ("phpmyadmin", Kind::Infra(Infra::AdminUi)),
    ("mongo-express", Kind::Infra(Infra::AdminUi)),
    ("redis-commander", Kind::Infra(Infra::AdminUi)),
    ("redisinsight", Kind::Infra(Infra::AdminUi)),
    ("kafdrop", Kind::Infra(Infra::AdminUi)),
    ("kafka-ui", Kind::Infra(Infra::AdminUi)),
    ("akhq", Kind::Infra(Infra::AdminUi)),
    ("portainer", Kind::Infra(Infra::AdminUi)),
    ("healthchecksui", Kind::Infra(Infra::AdminUi)),
    ("mailhog", Kind::Infra(Infra::Mail)),
    ("mailpit", Kind::Infra(Infra::Mail)),
    ("maildev", Kind::Infra(Infra::Mail)),
    ("localstack", Kind::Infra(Infra::Emulator)),
    ("wiremock", Kind::Infra(Infra::Emulator)),
    ("pact-broker", Kind::Infra(Infra::Tooling)),
    // telemetry
    ("otel-collector", Kind::Telemetry),
    ("opentelemetry-collector", Kind::Telemetry),
    ("opentelemetry-collector-contrib", Kind::Telemetry),
    ("all-in-one", Kind::Telemetry),
    ("jaeger", Kind::Telemetry),
    ("zipkin", Kind::Telemetry),
    ("prometheus", Kind::Telemetry),
    ("grafana", Kind::Telemetry),
    ("tempo", Kind::Telemetry),
    ("loki", Kind::Telemetry),
    ("promtail", Kind::Telemetry),
    ("alertmanager", Kind::Telemetry),
    ("node-exporter", Kind::Telemetry),
    ("fluentd", Kind::Telemetry),
    ("fluent-bit", Kind::Telemetry),
    ("statsd", Kind::Telemetry),
    ("vector", Kind::Telemetry),
    ("otel-lgtm", Kind::Telemetry),
    ("logstash", Kind::Telemetry),
    ("filebeat", Kind::Telemetry),
    ("datadog-agent", Kind::Telemetry),
    ("instana-agent", Kind::Telemetry),
];

/// Organisations whose every image is telemetry.
const TELEMETRY_VENDORS: [&str; 5] = [
    "jaegertracing/",
    "datadog/",
    "otel/",
    "signoz/",
    "openzipkin/",
];

/// Words of an application's own job: a product word next to one of these is what the
/// application talks to, not what it is.
const APPLICATION_WORDS: [&str; 16] = [
    "consumer",
    "producer",
    "worker",
    "service",
    "api",
    "client",
    "proxy",
    "connect",
    "sink",
    "bridge",
    "migrator",
    "migrations",
    "init",
    "setup",
    "seed",
    "loader",
];

/// Words that make a product image an administration UI or a metrics exporter.
const ADMIN_WORDS: [&str; 6] = ["ui", "admin", "commander", "express", "insight", "manager"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Store(&'static str),
    Broker(BrokerKind),
    Infra(Infra),
    Telemetry,
}

impl Kind {
    fn role(self) -> Role {
        match self {
            Kind::Store(k) => Role::Datastore(k.to_owned()),
            Kind::Broker(b) => Role::Broker(b),
            Kind::Infra(i) => Role::Infrastructure(i),
            Kind::Telemetry => Role::Telemetry,
        }
    }
}

fn lookup(word: &str) -> Option<Kind> {
    PRODUCTS.iter().find(|(w, _)| *w == word).map(|(_, k)| *k)
}

/// What an image runs: `redis:alpine`, `mcr.microsoft.com/mssql/server:2022`,
/// `${REPO}/rs-mysql-db:${TAG}`. `None`: an application image.
pub fn of_image(image: &str) -> Option<Role> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let repo = without_digest.to_ascii_lowercase();
    let path: Vec<&str> = repo
        .split('/')
        .map(|part| part.split(':').next().unwrap_or(part))
        .collect();
    let last = path.last().copied().unwrap_or("");
    if TELEMETRY_VENDORS.iter().any(|v| repo.contains(v)) {
        return Some(Role::Telemetry);
    }
    if let Some(kind) = lookup(last) {
        return Some(kind.role());
    }
    if let Some(role) = of_words(last).or_else(|| of_infra_suffix(last)) {
        return Some(role);
    }
    // `mcr.microsoft.com/mssql/server`: the product is a folder of the path.
    path.iter()
        .rev()
        .skip(1)
        .find_map(|p| lookup(p))
        .filter(|_| is_generic(last))
        .map(Kind::role)
}

/// A project's own build of an infrastructure server is named after the project and the server
/// (`spring-petclinic-discovery-server`, `shop-config-server`, `acme-schema-registry`).
fn of_infra_suffix(last: &str) -> Option<Role> {
    PRODUCTS
        .iter()
        .filter(|(w, k)| w.contains('-') && matches!(k, Kind::Infra(_)))
        .find(|(w, _)| {
            last.strip_suffix(w)
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with(['-', '_']))
        })
        .map(|(_, k)| k.role())
}

/// Whether an image's name mentions a product word at all (a custom build of one).
pub fn names_product(image: &str) -> bool {
    image
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| lookup(w).is_some())
}

/// What a server's own data folder says it runs: the folder the official images keep their
/// data in (`/var/lib/postgresql/data`, `/data/db`), or a Bitnami image's (`/bitnami/mysql`).
pub fn of_data_dir(path: &str) -> Option<Role> {
    const FOLDERS: &[(&str, Kind)] = &[
        ("/var/lib/postgresql", Kind::Store("postgres")),
        ("/bitnami/postgresql", Kind::Store("postgres")),
        ("/var/lib/mysql", Kind::Store("mysql")),
        ("/bitnami/mysql", Kind::Store("mysql")),
        ("/bitnami/mariadb", Kind::Store("mysql")),
        ("/data/db", Kind::Store("mongodb")),
        ("/bitnami/mongodb", Kind::Store("mongodb")),
        ("/var/opt/mssql", Kind::Store("sqlserver")),
        ("/var/lib/cassandra", Kind::Store("cassandra")),
        (
            "/usr/share/elasticsearch/data",
            Kind::Store("elasticsearch"),
        ),
        ("/usr/share/opensearch/data", Kind::Store("elasticsearch")),
        ("/bitnami/redis", Kind::Store("redis")),
        ("/var/lib/rabbitmq", Kind::Broker(BrokerKind::Rabbitmq)),
        ("/bitnami/rabbitmq", Kind::Broker(BrokerKind::Rabbitmq)),
        ("/bitnami/kafka", Kind::Broker(BrokerKind::Kafka)),
        ("/var/lib/kafka", Kind::Broker(BrokerKind::Kafka)),
    ];
    let path = path.trim_end_matches('/');
    FOLDERS
        .iter()
        .find(|(folder, _)| {
            path == *folder
                || path
                    .strip_prefix(folder)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .map(|(_, kind)| kind.role())
}

/// Whether a name or image calls itself a database (`accounts-db`, `ledger-database`):
/// then the well-known port it serves says which.
pub fn names_a_database(name: &str) -> bool {
    super::super::units::image_repository(name)
        .split(['-', '_', '.'])
        .any(|w| matches!(w, "db" | "database"))
}

/// What a service's name says, for services whose image says nothing: `mysql`,
/// `orders-mongodb`, `config-server`.
pub fn of_name(name: &str) -> Option<Role> {
    let lower = name.to_ascii_lowercase();
    lookup(&lower).map(Kind::role).or_else(|| of_words(&lower))
}

/// A product word among the words of a name, unless an application word vetoes it.
fn of_words(name: &str) -> Option<Role> {
    let words: Vec<&str> = name
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 || words.iter().any(|w| APPLICATION_WORDS.contains(w)) {
        return None;
    }
    if words.contains(&"exporter") {
        return Some(Role::Telemetry);
    }
    let found = words.iter().find_map(|w| lookup(w))?;
    if words.iter().any(|w| ADMIN_WORDS.contains(w)) {
        return Some(Role::Infrastructure(Infra::AdminUi));
    }
    Some(found.role())
}

fn is_generic(word: &str) -> bool {
    matches!(word, "server" | "db" | "database" | "image" | "app")
}

/// What a workload's command says: `mongod`, `redis-server`, `nats-server -js`.
pub fn of_command(command: &str) -> Option<Role> {
    let first = command.split_whitespace().next()?;
    let program = first.rsplit('/').next().unwrap_or(first);
    let kind = match program {
        "mongod" | "mongos" => Kind::Store("mongodb"),
        "redis-server" | "valkey-server" => Kind::Store("redis"),
        "mysqld" | "mariadbd" => Kind::Store("mysql"),
        "postgres" => Kind::Store("postgres"),
        "nats-server" => Kind::Broker(BrokerKind::Nats),
        "kafka-server-start.sh" => Kind::Broker(BrokerKind::Kafka),
        "rabbitmq-server" => Kind::Broker(BrokerKind::Rabbitmq),
        "zookeeper-server-start.sh" | "zkserver.sh" => Kind::Infra(Infra::Coordination),
        "etcd" => Kind::Infra(Infra::Coordination),
        "consul" => Kind::Infra(Infra::Discovery),
        "vault" => Kind::Infra(Infra::Secrets),
        _ => return None,
    };
    Some(kind.role())
}

/// What a workload's own environment says it serves: a server's settings, not a client's
/// (`MYSQL_ROOT_PASSWORD`, `KAFKA_BROKER_ID`, `ZOO_MY_ID`, `KEYCLOAK_ADMIN`).
pub fn of_env_keys<'a>(keys: impl Iterator<Item = &'a str>) -> Option<Role> {
    let keys: Vec<String> = keys.map(str::to_ascii_uppercase).collect();
    let has = |prefixes: &[&str]| {
        keys.iter()
            .any(|k| prefixes.iter().any(|p| k.starts_with(p)))
    };
    let client = |product: &str| {
        keys.iter().any(|k| {
            k.starts_with(product)
                && ["_HOST", "_URL", "_URI", "_ADDR", "_SERVER", "_CONNECTION"]
                    .iter()
                    .any(|s| k.ends_with(s))
        })
    };
    let kind = if has(&["MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY", "MARIADB_ROOT"]) {
        Kind::Store("mysql")
    } else if has(&["POSTGRES_PASSWORD", "POSTGRES_INITDB"]) && !client("POSTGRES") {
        Kind::Store("postgres")
    } else if has(&["MONGO_INITDB_"]) {
        Kind::Store("mongodb")
    } else if has(&["MSSQL_SA_PASSWORD", "MSSQL_PID"]) {
        Kind::Store("sqlserver")
    } else if has(&["RABBITMQ_DEFAULT_", "RABBITMQ_ERLANG_COOKIE"]) {
        Kind::Broker(BrokerKind::Rabbitmq)
    } else if has(&[
        "KAFKA_BROKER_ID",
        "KAFKA_ADVERTISED_LISTENERS",
        "KAFKA_CFG_",
        "KAFKA_NODE_ID",
    ]) {
        Kind::Broker(BrokerKind::Kafka)
    } else if has(&["ZOO_MY_ID", "ZOOKEEPER_CLIENT_PORT", "ZOO_SERVERS"]) {
        Kind::Infra(Infra::Coordination)
    } else if has(&["KEYCLOAK_ADMIN", "KC_BOOTSTRAP_ADMIN", "KC_DB"]) {
        Kind::Infra(Infra::Identity)
    } else if has(&["SCHEMA_REGISTRY_HOST_NAME", "SCHEMA_REGISTRY_KAFKASTORE"]) {
        Kind::Infra(Infra::SchemaRegistry)
    } else {
        return None;
    };
    Some(kind.role())
}

/// What a well-known server port says, for a workload nothing else describes.
pub fn of_ports(ports: &[u16]) -> Option<Role> {
    let kinds: Vec<Kind> = ports
        .iter()
        .filter_map(|p| {
            Some(match p {
                3306 => Kind::Store("mysql"),
                5432 => Kind::Store("postgres"),
                27017 => Kind::Store("mongodb"),
                6379 => Kind::Store("redis"),
                1433 => Kind::Store("sqlserver"),
                9042 => Kind::Store("cassandra"),
                4222 => Kind::Broker(BrokerKind::Nats),
                5672 => Kind::Broker(BrokerKind::Rabbitmq),
                2181 => Kind::Infra(Infra::Coordination),
                _ => return None,
            })
        })
        .collect();
    // Only when every port it serves says the same thing.
    match kinds.as_slice() {
        [first, rest @ ..] if kinds.len() == ports.len() && rest.iter().all(|k| k == first) => {
            Some(first.role())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_names() {
        assert_eq!(
            of_image("${REPO}/rs-mysql-db:${TAG}"),
            Some(Role::Datastore("mysql".into()))
        );
        assert_eq!(
            of_image("mcr.microsoft.com/mssql/server:2022-latest"),
            Some(Role::Datastore("sqlserver".into()))
        );
        assert_eq!(of_image("shop/kafka-consumer:1"), None);
        assert_eq!(
            of_image("provectuslabs/kafka-ui:latest"),
            Some(Role::Infrastructure(Infra::AdminUi))
        );
        assert_eq!(of_image("oliver006/redis_exporter"), Some(Role::Telemetry));
        assert_eq!(
            of_image("quay.io/keycloak/keycloak:24"),
            Some(Role::Infrastructure(Infra::Identity))
        );
        assert_eq!(
            of_image("confluentinc/cp-schema-registry:7.6"),
            Some(Role::Infrastructure(Infra::SchemaRegistry))
        );
        assert_eq!(of_image("mallbots-baskets"), None);
        assert_eq!(
            of_image("springcommunity/spring-petclinic-discovery-server:3.4"),
            Some(Role::Infrastructure(Infra::Discovery))
        );
        assert_eq!(
            of_image("acme/shop_config-server"),
            Some(Role::Infrastructure(Infra::ConfigServer))
        );
        assert_eq!(of_image("acme/discovery-server-ui-tests"), None);
        assert_eq!(of_image("acme/product-discovery"), None);
        assert_eq!(
            of_name("discovery-server"),
            Some(Role::Infrastructure(Infra::Discovery))
        );
        assert_eq!(of_image("registry:5000/shop/server:1"), None);
        assert_eq!(
            of_name("config-server"),
            Some(Role::Infrastructure(Infra::ConfigServer))
        );
        assert_eq!(of_name("orders-db"), None);
        assert_eq!(
            of_name("orders-mongodb"),
            Some(Role::Datastore("mongodb".into()))
        );
        assert_eq!(of_name("orders"), None);
    }

    #[test]
    fn commands_env_and_ports() {
        assert_eq!(
            of_command("mongod --bind_ip_all"),
            Some(Role::Datastore("mongodb".into()))
        );
        assert_eq!(
            of_env_keys(["MYSQL_ROOT_PASSWORD", "MYSQL_DATABASE"].into_iter()),
            Some(Role::Datastore("mysql".into()))
        );
        assert_eq!(
            of_env_keys(["POSTGRES_HOST", "POSTGRES_PASSWORD"].into_iter()),
            None,
            "a client of postgres"
        );
        assert_eq!(of_ports(&[3306]), Some(Role::Datastore("mysql".into())));
        assert_eq!(of_ports(&[3306, 8080]), None);
    }

    #[test]
    fn data_folders_and_database_names() {
        let postgres = Some(Role::Datastore("postgres".into()));
        assert_eq!(of_data_dir("/var/lib/postgresql/data"), postgres);
        assert_eq!(of_data_dir("/var/lib/postgresql"), postgres);
        assert_eq!(of_data_dir("/var/lib/postgresql-backups"), None);
        assert_eq!(
            of_data_dir("/data/db/"),
            Some(Role::Datastore("mongodb".into()))
        );
        assert_eq!(of_data_dir("/data"), None, "too generic to say");
        assert_eq!(of_data_dir("/app/config"), None);
        assert!(names_a_database("accounts-db"));
        assert!(names_a_database(
            "registry.example:5000/bank/ledger-db:v0.6@sha256:d95c"
        ));
        assert!(!names_a_database(
            "registry.example:5000/bank/ledgerwriter:v0.6"
        ));
        assert!(!names_a_database("dbadmin"));
    }
}
