//! Addresses inside configuration values: URLs (with several hosts, credentials, `lb://`),
//! `host:port`, JDBC URLs, `NAME=host:port` lists, connection strings (see `connection`), and
//! lists of any of them separated by commas, spaces or semicolons.

mod connection;

/// One address found in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Lower case: `http`, `grpc`, `postgresql`, `sqlserver`, `lb`, ...; `None` for `host:port`.
    pub scheme: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
    /// `false` for a bare word under a setting whose name does not say it holds a host
    /// (`UPSTREAM=cart`): it counts only when it is the name of something the scan knows.
    pub confirmed: bool,
}

impl Address {
    /// The address as it may be shown: scheme, host and port only. Credentials, the path and
    /// the query are left out, so a finding or evidence never echoes a secret in a URL.
    pub fn shown(&self) -> String {
        let mut out = String::new();
        if let Some(scheme) = &self.scheme {
            out.push_str(scheme);
            out.push_str("://");
        }
        out.push_str(&self.host);
        if let Some(port) = self.port {
            out.push_str(&format!(":{port}"));
        }
        out
    }
}

/// Every address in `value`. `key` is the setting's name: a bare host with no port is
/// confirmed only when the key says it holds one (`REDIS_HOST`, `DB_SERVER`, ...).
pub fn parse(key: &str, value: &str) -> Vec<Address> {
    let value = value.trim();
    if value.is_empty() || value.len() > 2048 {
        return Vec::new();
    }
    if let Some(found) = connection::parse(value) {
        return found;
    }
    let tokens: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|t| !t.is_empty())
        .collect();
    let single = tokens.len() == 1 && !value.contains(',');
    let mut out = Vec::new();
    for token in tokens {
        if token.contains("://") {
            out.extend(url(token));
        } else {
            for part in token.split(',').filter(|p| !p.is_empty()) {
                // In a sentence (`URL TO CONTACT`) only words with a port are addresses.
                let found = one(key, part, single);
                out.extend(found.filter(|a| a.port.is_some() || tokens_are_one(value)));
            }
        }
    }
    out
}

/// Whether a value is one token (no spaces): a bare word in it may be a host.
fn tokens_are_one(value: &str) -> bool {
    !value.trim().contains(char::is_whitespace)
}

/// A URL, whose authority may list several hosts (`mongodb://a:27017,b:27017/db`).
fn url(text: &str) -> Vec<Address> {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let Some((scheme, rest)) = text.split_once("://") else {
        return Vec::new();
    };
    // jdbc:postgresql://host/db names its dialect after `jdbc:`; Spring's
    // `optional:configserver:http://config:8888` names the scheme last.
    let scheme = scheme.rsplit(':').next().unwrap_or(scheme);
    let valid_scheme = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    if !valid_scheme {
        return Vec::new();
    }
    let authority_end = rest.find(['/', '?', '#', ';']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    authority
        .split(',')
        .filter_map(split_host_port)
        .filter(|(host, _)| looks_like_host(host))
        .map(|(host, port)| Address {
            scheme: Some(scheme.to_ascii_lowercase()),
            host: host.to_ascii_lowercase(),
            port,
            path: path.to_owned(),
            confirmed: true,
        })
        .collect()
}

/// `host:port`, `NAME=host:port`, `jdbc:sqlserver:host`, or a bare host.
fn one(key: &str, text: &str, single: bool) -> Option<Address> {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    // `STORES=stores:9000` in a list of named addresses.
    let (named, text) = match text.split_once('=') {
        Some((name, rest))
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') =>
        {
            (true, rest)
        }
        Some(_) => return None,
        None => (false, text),
    };
    let (host, port) = split_host_port(text)?;
    if !looks_like_host(&host) {
        return None;
    }
    let keyed = key_names_a_host(key);
    // `NAME=host:port` is an address only in a list of them, or under a key that holds
    // addresses; alone it is a predicate or an option (`Host=shop.example.com:8080`).
    if named && !keyed && single {
        return None;
    }
    let confirmed = port.is_some() || (keyed && !named);
    if !confirmed && (named || !single) {
        return None;
    }
    if !confirmed && names_no_host(key) {
        return None;
    }
    Some(Address {
        scheme: None,
        host: host.to_ascii_lowercase(),
        port,
        path: String::new(),
        confirmed,
    })
}

/// Settings whose values are names, never hosts, even when a value equals a service's name:
/// a database, a user, a topic, a profile.
fn names_no_host(key: &str) -> bool {
    let upper = key.to_ascii_uppercase().replace(['.', '-'], "_");
    let last = upper.rsplit('_').next().unwrap_or(&upper);
    [
        "NAME",
        "DATABASE",
        "DB",
        "DBNAME",
        "USER",
        "USERNAME",
        "PASSWORD",
        "PWD",
        "TOPIC",
        "TOPICS",
        "QUEUE",
        "SUBJECT",
        "STREAM",
        "GROUP",
        "ID",
        "PROFILE",
        "PROFILES",
        "ACTIVE",
        "MODE",
        "LEVEL",
        "TABLE",
        "SCHEMA",
        "BUCKET",
        "INDEX",
        "KEY",
        "SECRET",
        "TOKEN",
        "ROLE",
        "REGION",
        "ENV",
        "ENVIRONMENT",
        "DESTINATION",
        "CHANNEL",
        "EXCHANGE",
        "TYPE",
        "VERSION",
        "DEFINITION",
        "NAMESPACE",
        "TAG",
        "IMAGE",
        "APPLICATION",
        "APP",
    ]
    .contains(&last)
}

fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    if authority.is_empty() {
        return None;
    }
    if let Some(rest) = authority.strip_prefix('[') {
        // [::1]:8080
        let (host, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return Some((host.to_owned(), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => {
            let port: u16 = port.parse().ok()?;
            Some((host.to_owned(), Some(port)))
        }
        None => Some((authority.to_owned(), None)),
    }
}

/// A DNS name or an IP address; not a version number, a path or a sentence.
pub(super) fn looks_like_host(host: &str) -> bool {
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        && !host.starts_with(['-', '.'])
        && !host.ends_with('-');
    let all_numeric_labels = host
        .split('.')
        .all(|l| l.chars().all(|c| c.is_ascii_digit()));
    let is_ipv4 = all_numeric_labels && host.split('.').count() == 4;
    valid
        && (is_ipv4 || !all_numeric_labels)
        && host.chars().any(|c| c.is_ascii_alphabetic() || is_ipv4)
}

/// Setting names that hold a host even without a port: `*_HOST`, `*_ADDR`, `*_SERVER`, ...
pub fn key_names_a_host(key: &str) -> bool {
    let upper = key.to_ascii_uppercase().replace(['.', '-'], "_");
    [
        "HOST",
        "HOSTNAME",
        "ADDR",
        "ADDRESS",
        "SERVER",
        "ENDPOINT",
        "URL",
        "URI",
        "DSN",
        "BROKERS",
        "BOOTSTRAP_SERVERS",
        "SERVICE",
        "HOSTS",
        "ADDRS",
        "ADDRESSES",
        "SERVERS",
        "ENDPOINTS",
        "URLS",
        "SERVICES",
        "PEERS",
        "UPSTREAMS",
        "BACKENDS",
    ]
    .iter()
    .any(|w| upper == *w || upper.ends_with(&format!("_{w}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(key: &str, value: &str) -> Vec<(Option<String>, String, Option<u16>)> {
        parse(key, value)
            .into_iter()
            .map(|a| (a.scheme, a.host, a.port))
            .collect()
    }

    #[test]
    fn host_port_and_urls() {
        assert_eq!(
            hosts("CART_ADDR", "cartservice:7070"),
            vec![(None, "cartservice".into(), Some(7070))]
        );
        assert_eq!(
            hosts("X", "http://user:pw@email:8080/send?x=1"),
            vec![(Some("http".into()), "email".into(), Some(8080))]
        );
        assert_eq!(
            hosts("X", "nats://nats:4222"),
            vec![(Some("nats".into()), "nats".into(), Some(4222))]
        );
        assert_eq!(
            hosts("X", "mongodb+srv://db.example.com/app"),
            vec![(Some("mongodb+srv".into()), "db.example.com".into(), None)]
        );
        assert_eq!(
            hosts("BROKERS", "kafka-1:9092,kafka-2:9092"),
            vec![
                (None, "kafka-1".into(), Some(9092)),
                (None, "kafka-2".into(), Some(9092))
            ]
        );
    }

    #[test]
    fn jdbc_and_ado_net() {
        assert_eq!(
            hosts("url", "jdbc:postgresql://orders-db:5432/orders"),
            vec![(Some("postgresql".into()), "orders-db".into(), Some(5432))]
        );
        assert_eq!(
            hosts("url", "jdbc:sqlserver://sql:1433;databaseName=x"),
            vec![(Some("sqlserver".into()), "sql".into(), Some(1433))]
        );
        assert_eq!(
            hosts("CS", "Server=sql,1433;Database=orders;User Id=sa"),
            vec![(None, "sql".into(), Some(1433))]
        );
    }

    #[test]
    fn lists_of_named_addresses_and_several_hosts() {
        assert_eq!(
            hosts(
                "RPC_SERVICES",
                "STORES=stores:9000,CUSTOMERS=customers:9000"
            ),
            vec![
                (None, "stores".into(), Some(9000)),
                (None, "customers".into(), Some(9000))
            ]
        );
        assert_eq!(
            hosts("MONGO", "mongodb://u:p@m1:27017,m2:27017/db?replicaSet=rs"),
            vec![
                (Some("mongodb".into()), "m1".into(), Some(27017)),
                (Some("mongodb".into()), "m2".into(), Some(27017))
            ]
        );
        assert_eq!(
            hosts("X", "lb://product-composite"),
            vec![(Some("lb".into()), "product-composite".into(), None)]
        );
        assert_eq!(
            hosts("REDIS", "redis:6379,password=secret,ssl=False"),
            vec![(None, "redis".into(), Some(6379))]
        );
        assert_eq!(
            hosts(
                "PACT_BROKER_BASE_URL",
                "http://localhost:9292 http://pact-broker:9292"
            ),
            vec![
                (Some("http".into()), "localhost".into(), Some(9292)),
                (Some("http".into()), "pact-broker".into(), Some(9292))
            ]
        );
    }

    #[test]
    fn bare_words_wait_for_a_known_name() {
        let found = parse("UPSTREAM", "cart");
        assert_eq!(found.len(), 1);
        assert!(!found[0].confirmed);
        assert!(parse("DB_NAME", "orders").is_empty());
        assert!(parse("SPRING_PROFILES_ACTIVE", "docker").is_empty());
    }

    #[test]
    fn bare_hosts_need_a_key_that_says_so() {
        assert_eq!(
            hosts("REDIS_HOST", "redis"),
            vec![(None, "redis".into(), None)]
        );
        assert!(hosts("LOG_LEVEL", "info").is_empty());
        assert!(hosts("VERSION", "1.2.3").is_empty());
        assert!(hosts("PORT", "8080").is_empty());
        assert!(hosts("GREETING", "hello world").is_empty());
        assert!(parse("REDIS_HOST", "redis")[0].confirmed);
        assert!(hosts("JAVA_OPTS", "-Xmx512m").is_empty());
    }
}
