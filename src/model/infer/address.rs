//! Addresses inside configuration values: URLs, `host:port`, JDBC URLs, ADO.NET connection
//! strings, and comma-separated lists of them (`kafka-1:9092,kafka-2:9092`).

/// One address found in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Lower case: `http`, `grpc`, `postgresql`, `sqlserver`, ...; `None` for a bare `host:port`.
    pub scheme: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
}

/// Every address in `value`. `key` is the setting's name: a bare host with no port counts only
/// when the key says it holds one (`REDIS_HOST`, `DB_SERVER`, ...).
pub fn parse(key: &str, value: &str) -> Vec<Address> {
    let value = value.trim();
    if value.is_empty() || value.len() > 2048 {
        return Vec::new();
    }
    if let Some(found) = connection_string(value) {
        return found;
    }
    value
        .split([',', ' ', ';'])
        .filter(|part| !part.is_empty())
        .filter_map(|part| one(key, part))
        .collect()
}

fn one(key: &str, text: &str) -> Option<Address> {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    // JDBC: jdbc:postgresql://host:5432/db, jdbc:sqlserver://host:1433;databaseName=x
    let (jdbc_scheme, text) = match text.strip_prefix("jdbc:") {
        Some(rest) => {
            let (scheme, after) = rest.split_once(':')?;
            (Some(scheme.to_ascii_lowercase()), after)
        }
        None => (None, text),
    };
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r))
            if s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                && !s.is_empty() =>
        {
            (
                Some(
                    jdbc_scheme
                        .clone()
                        .unwrap_or_else(|| s.to_ascii_lowercase()),
                ),
                r,
            )
        }
        _ if jdbc_scheme.is_some() => (jdbc_scheme, text.trim_start_matches("//")),
        _ => (None, text),
    };
    // Drop credentials and the path.
    let authority_end = rest.find(['/', '?', '#', ';']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = split_host_port(authority)?;
    if !looks_like_host(&host) {
        return None;
    }
    let keyed = key_names_a_host(key);
    if scheme.is_none() && port.is_none() && !keyed {
        return None;
    }
    Some(Address {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
        path: path.to_owned(),
    })
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
fn looks_like_host(host: &str) -> bool {
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
    ]
    .iter()
    .any(|w| upper == *w || upper.ends_with(&format!("_{w}")))
}

/// `Server=db,1433;Database=orders;...`, `Host=db;Port=5432;...` (ADO.NET and Npgsql).
fn connection_string(value: &str) -> Option<Vec<Address>> {
    if !value.contains(';') || !value.contains('=') {
        return None;
    }
    let mut host = None;
    let mut port = None;
    for part in value.split(';') {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "server" | "data source" | "host" | "address" | "addr" | "network address" => {
                let v = v.trim().trim_start_matches("tcp:");
                let (h, p) = match v.split_once([',', ':']) {
                    Some((h, p)) => (h, p.trim().parse().ok()),
                    None => (v, None),
                };
                host = Some(h.trim().to_ascii_lowercase());
                port = port.or(p);
            }
            "port" => port = v.trim().parse().ok(),
            _ => {}
        }
    }
    let host = host.filter(|h| looks_like_host(h))?;
    let scheme = if value.to_ascii_lowercase().contains("host=") {
        "postgresql"
    } else {
        "sqlserver"
    };
    Some(vec![Address {
        scheme: Some(scheme.to_owned()),
        host,
        port,
        path: String::new(),
    }])
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
            vec![(Some("sqlserver".into()), "sql".into(), Some(1433))]
        );
        assert_eq!(
            hosts("CS", "Host=pg;Port=5432;Database=orders"),
            vec![(Some("postgresql".into()), "pg".into(), Some(5432))]
        );
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
        assert!(hosts("JAVA_OPTS", "-Xmx512m").is_empty());
    }
}
