//! What a workload is, from how others reach it: the target of `mongodb://`, of `REDIS_HOST`,
//! of an `issuer-uri` or of `spring.cloud.config.uri` is a datastore, a broker or
//! infrastructure whatever its image is called. Only workloads that nothing else classified
//! (custom images, plain builds) are judged this way.

use crate::load::manifest::BrokerKind;

use super::address;
use super::classify::{Infra, Role};
use super::units::Units;

impl Units {
    /// Classifies application-looking workloads by the settings that reach them.
    pub(super) fn classify_by_use(&mut self) {
        let mut found: Vec<(usize, Role)> = Vec::new();
        for (holder, unit) in self.units.iter().enumerate() {
            for (key, value, _) in unit.env.iter().chain(&unit.settings) {
                for addr in address::parse(key, value) {
                    let Some(target) = self.hosts.get(&addr.host).and_then(|t| t.unit) else {
                        continue;
                    };
                    if target == holder || self.units[target].role != Role::Service {
                        continue;
                    }
                    if let Some(role) = role_by_use(key, addr.scheme.as_deref()) {
                        found.push((target, role));
                    }
                }
            }
        }
        for (target, role) in found {
            let unit = &mut self.units[target];
            if unit.role == Role::Service && !unit.gateway {
                unit.role = role;
            }
        }
    }
}

/// The role a setting gives the workload it names: the scheme first, then the setting's name.
pub fn role_by_use(key: &str, scheme: Option<&str>) -> Option<Role> {
    let by_scheme = match scheme {
        Some("mongodb" | "mongodb+srv") => Some(Role::Datastore("mongodb".into())),
        Some("redis" | "rediss") => Some(Role::Datastore("redis".into())),
        Some("postgres" | "postgresql") => Some(Role::Datastore("postgres".into())),
        Some("mysql" | "mariadb") => Some(Role::Datastore("mysql".into())),
        Some("sqlserver") => Some(Role::Datastore("sqlserver".into())),
        Some("amqp" | "amqps") => Some(Role::Broker(BrokerKind::Rabbitmq)),
        Some("nats") => Some(Role::Broker(BrokerKind::Nats)),
        Some("kafka") => Some(Role::Broker(BrokerKind::Kafka)),
        Some(_) => None,
        None => None,
    };
    if by_scheme.is_some() {
        return by_scheme;
    }
    let upper = key.to_ascii_uppercase().replace(['.', '-'], "_");
    let has = |words: &[&str]| words.iter().any(|w| upper.contains(w));
    // A URL with an application scheme (http, grpc) says nothing more than its key does for
    // infrastructure; for datastores and brokers only a bare host or host:port counts.
    let bare = scheme.is_none();
    Some(
        if has(&[
            "ISSUER",
            "JWK",
            "OIDC",
            "KEYCLOAK",
            "IDENTITY_URL",
            "AUTHORITY",
        ]) {
            Role::Infrastructure(Infra::Identity)
        } else if has(&["EUREKA", "CONSUL", "DISCOVERY"]) {
            Role::Infrastructure(Infra::Discovery)
        } else if has(&["CLOUD_CONFIG_URI", "CONFIG_SERVER", "CONFIGSERVER"]) {
            Role::Infrastructure(Infra::ConfigServer)
        } else if has(&["SCHEMA_REGISTRY", "SCHEMAREGISTRY"]) {
            Role::Infrastructure(Infra::SchemaRegistry)
        } else if has(&["ZOOKEEPER", "ZK_CONNECT"]) {
            Role::Infrastructure(Infra::Coordination)
        } else if has(&["UNLEASH", "FLAGD", "FEATURE_FLAG", "FLAGSMITH"]) {
            Role::Infrastructure(Infra::FeatureFlags)
        } else if bare && has(&["KAFKA", "BOOTSTRAP_SERVERS"]) {
            Role::Broker(BrokerKind::Kafka)
        } else if bare && has(&["RABBIT", "AMQP"]) {
            Role::Broker(BrokerKind::Rabbitmq)
        } else if bare && has(&["NATS"]) {
            Role::Broker(BrokerKind::Nats)
        } else if bare && has(&["MONGO"]) {
            Role::Datastore("mongodb".into())
        } else if bare && has(&["REDIS"]) {
            Role::Datastore("redis".into())
        } else if bare && has(&["MYSQL", "MARIADB"]) {
            Role::Datastore("mysql".into())
        } else if bare && has(&["POSTGRES", "PGHOST", "PG_HOST"]) {
            Role::Datastore("postgres".into())
        } else {
            return None;
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_use() {
        assert_eq!(
            role_by_use("MONGO_URL", Some("mongodb")),
            Some(Role::Datastore("mongodb".into()))
        );
        assert_eq!(
            role_by_use("spring.rabbitmq.host", None),
            Some(Role::Broker(BrokerKind::Rabbitmq))
        );
        assert_eq!(
            role_by_use(
                "spring.security.oauth2.resourceserver.jwt.issuer-uri",
                Some("http")
            ),
            Some(Role::Infrastructure(Infra::Identity))
        );
        assert_eq!(role_by_use("KAFKA_PROXY_URL", Some("http")), None);
        assert_eq!(role_by_use("CART_ADDR", None), None);
    }
}
