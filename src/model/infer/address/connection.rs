//! Connection strings that are not URLs: libpq keyword/value (`host=pg dbname=orders`),
//! ADO.NET, Npgsql and MySQL Connector (`Server=db,1433;Database=orders`, `Host=pg;Port=5432`),
//! and the RabbitMQ and Redis client forms (`host=rabbitmq;username=guest`).

use super::{Address, looks_like_host};

/// The addresses of a `key=value` connection string, or `None` when `value` is not one.
pub fn parse(value: &str) -> Option<Vec<Address>> {
    let pairs = pairs(value)?;
    let get = |names: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    };
    let hosts = get(&[
        "host",
        "hostaddr",
        "server",
        "data source",
        "datasource",
        "address",
        "addr",
        "network address",
        "hostname",
        "endpoint",
    ])?;
    let port: Option<u16> = get(&["port"]).and_then(|p| p.trim().parse().ok());
    let has = |name: &str| pairs.iter().any(|(k, _)| k == name);
    // The dialect, where the keys say it; otherwise the target's kind decides the protocol.
    let scheme = if has("dbname") || has("sslmode") && has("host") && !has("server") {
        Some("postgresql")
    } else if has("initial catalog")
        || has("integrated security")
        || has("trustservercertificate")
        || has("data source")
    {
        Some("sqlserver")
    } else if has("uid") || has("sslmode") && has("server") {
        Some("mysql")
    } else if has("username") && has("database") && has("host") {
        Some("postgresql")
    } else {
        None
    };
    // `db,1433` (SQL Server) is a host and a port, not two hosts.
    let (hosts, port) = match hosts.split_once(',') {
        Some((h, p)) if p.trim().parse::<u16>().is_ok() => (h, p.trim().parse().ok()),
        _ => (hosts, port),
    };
    let found = hosts
        .split(',')
        .filter_map(|h| {
            let h = h.trim().trim_start_matches("tcp:");
            let (host, own_port) = match h.rsplit_once(':') {
                Some((host, p)) => (host, p.trim().parse().ok()),
                None => (h, None),
            };
            let host = host.trim().to_ascii_lowercase();
            looks_like_host(&host).then(|| Address {
                scheme: scheme.map(str::to_owned),
                host,
                port: own_port.or(port),
                path: String::new(),
                confirmed: true,
            })
        })
        .collect();
    Some(found)
}

/// `key=value` pairs separated by `;` (ADO.NET) or by spaces (libpq); keys lower case.
fn pairs(value: &str) -> Option<Vec<(String, String)>> {
    let separator = if value.contains(';') { ';' } else { ' ' };
    let parts: Vec<&str> = value
        .split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 && !value.contains(';') {
        return None;
    }
    let mut out = Vec::new();
    for part in parts {
        let (k, v) = part.split_once('=')?;
        let key = k.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains("://") {
            return None;
        }
        out.push((key, v.trim().trim_matches(['\'', '"']).to_owned()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(value: &str) -> Vec<(Option<String>, String, Option<u16>)> {
        parse(value)
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.scheme, a.host, a.port))
            .collect()
    }

    #[test]
    fn dialects() {
        assert_eq!(
            hosts("host=postgres dbname=baskets user=u password=p search_path=baskets,public"),
            vec![(Some("postgresql".into()), "postgres".into(), None)]
        );
        assert_eq!(
            hosts("Server=sql,1433;Database=orders;User Id=sa"),
            vec![(None, "sql".into(), Some(1433))]
        );
        assert_eq!(
            hosts("Data Source=tcp:sql,1433;Initial Catalog=orders"),
            vec![(Some("sqlserver".into()), "sql".into(), Some(1433))]
        );
        assert_eq!(
            hosts("Host=pg;Port=5432;Database=orders;Username=app"),
            vec![(Some("postgresql".into()), "pg".into(), Some(5432))]
        );
        assert_eq!(
            hosts("Server=mysql;Port=3306;Uid=app;Pwd=x"),
            vec![(Some("mysql".into()), "mysql".into(), Some(3306))]
        );
        assert_eq!(
            hosts("host=rabbitmq;username=guest;password=guest"),
            vec![(None, "rabbitmq".into(), None)]
        );
    }

    #[test]
    fn not_connection_strings() {
        assert!(parse("http://a:1/x").is_none());
        assert!(parse("plain words here").is_none());
        assert!(parse("KEY=value").is_none());
    }
}
