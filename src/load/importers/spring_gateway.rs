//! Spring Cloud Gateway routes, from a service's resolved settings (profiles, placeholders and
//! configuration server already applied): each `spring.cloud.gateway.routes[N]` is a route
//! from the service to its `uri` (`lb://orders` through client-side balancing, `http://host`),
//! with the paths of its `Path=` predicates, the `Retry` filter's retries, a
//! `CircuitBreaker` filter, and the route's or the HTTP client's response timeout. The newer
//! `spring.cloud.gateway.server.webflux.*` and `...mvc.*` prefixes are read too.

use std::collections::BTreeMap;

use crate::source::Span;

use super::{Declarations, Importer, Owner, RouteDecl, SettingsInput};

pub struct SpringGateway;

/// Where the gateway's settings live, by Spring Cloud version and web stack.
const PREFIXES: [&str; 4] = [
    "spring.cloud.gateway.",
    "spring.cloud.gateway.server.webflux.",
    "spring.cloud.gateway.mvc.",
    "spring.cloud.gateway.server.webmvc.",
];

/// One route's settings, by the key after `routes[N].`.
type RouteSettings<'a> = BTreeMap<&'a str, (&'a str, Span)>;

impl Importer for SpringGateway {
    fn name(&self) -> &'static str {
        "Spring Cloud Gateway"
    }

    fn read_settings(&self, settings: SettingsInput<'_>, out: &mut Declarations) {
        for prefix in PREFIXES {
            let mut routes: BTreeMap<usize, RouteSettings<'_>> = BTreeMap::new();
            let mut defaults: RouteSettings<'_> = BTreeMap::new();
            let mut client_timeout = None;
            for (key, value, span) in settings.settings {
                let Some(rest) = key.strip_prefix(prefix) else {
                    continue;
                };
                if let Some((index, field)) = indexed(rest, "routes") {
                    routes
                        .entry(index)
                        .or_default()
                        .insert(field, (value, *span));
                } else if let Some(field) = rest.strip_prefix("default-filters") {
                    defaults.insert(field, (value, *span));
                } else if rest == "httpclient.response-timeout" {
                    client_timeout = super::duration::millis(value, 1.0);
                }
            }
            let global = Filters::of(&defaults, "");
            for route in routes.values() {
                add_route(settings.service, route, &global, client_timeout, out);
            }
        }
    }
}

/// `routes[3].uri` -> (3, `uri`).
fn indexed<'a>(key: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let rest = key.strip_prefix(list)?.strip_prefix('[')?;
    let (index, field) = rest.split_once(']')?;
    Some((index.parse().ok()?, field.strip_prefix('.').unwrap_or(field)))
}

fn add_route(
    service: &str,
    route: &RouteSettings<'_>,
    global: &Filters,
    client_timeout: Option<f64>,
    out: &mut Declarations,
) {
    let Some(&(uri, span)) = route.get("uri") else {
        return;
    };
    // `forward:` and `no://op` stay inside the gateway.
    if uri.starts_with("forward:") || uri.starts_with("no://") || uri.trim().is_empty() {
        return;
    }
    let target = uri.strip_prefix("lb:").filter(|r| r.contains("://")).unwrap_or(uri);
    let paths = path_patterns(route);
    let filters = Filters::of(route, "filters").or(global);
    let timeout = route
        .get("metadata.response-timeout")
        .and_then(|(t, _)| super::duration::millis(t, 1.0))
        .or(client_timeout);
    let id = route.get("id").map_or("", |(id, _)| id);
    let shown = if paths.is_empty() {
        String::new()
    } else {
        format!(" {}", paths.join(", "))
    };
    out.routes.push(RouteDecl {
        protocol: Some(if target.starts_with("ws") { "websocket" } else { "http" }.to_owned()),
        paths,
        timeout_ms: timeout,
        retries: filters.retries,
        circuit_breaker: filters.circuit_breaker,
        ..RouteDecl::new(
            Owner::Node(service.to_owned()),
            target,
            span,
            format!("Spring Cloud Gateway route {id}{shown}"),
        )
    });
}

/// The paths of the route's `Path` predicates, in the shortcut form (`Path=/a/**,/b/**`) or
/// the full one (`name: Path`, `args.patterns[0]`, `args.pattern`, `args._genkey_0`).
fn path_patterns(route: &RouteSettings<'_>) -> Vec<String> {
    let mut shortcut = Vec::new();
    let mut named: BTreeMap<usize, (bool, Vec<String>)> = BTreeMap::new();
    for (field, (value, _)) in route {
        let Some((index, rest)) = indexed(field, "predicates") else {
            continue;
        };
        match rest {
            "" => {
                if let Some(list) = value.strip_prefix("Path=") {
                    shortcut.extend(list.split(',').map(|p| p.trim().to_owned()));
                }
            }
            "name" => named.entry(index).or_default().0 = *value == "Path",
            _ if rest.starts_with("args.") => named.entry(index).or_default().1.push((*value).to_owned()),
            _ => {}
        }
    }
    shortcut
        .into_iter()
        .chain(named.into_values().filter(|(path, _)| *path).flat_map(|(_, a)| a))
        .filter(|p| !p.is_empty())
        .collect()
}

/// What a route's filters (or the default filters) say about resilience.
#[derive(Debug, Default, Clone, PartialEq)]
struct Filters {
    retries: Option<u32>,
    circuit_breaker: bool,
}

impl Filters {
    /// Reads `<list>[N]` filters: `Retry=3`, `CircuitBreaker=name`, or `name: Retry` with
    /// `args.retries: 3`.
    fn of(settings: &RouteSettings<'_>, list: &str) -> Filters {
        let mut names: BTreeMap<usize, &str> = BTreeMap::new();
        let mut retries_arg: BTreeMap<usize, u32> = BTreeMap::new();
        let mut out = Filters::default();
        for (field, (value, _)) in settings {
            let Some((index, rest)) = indexed(field, list) else {
                continue;
            };
            match rest {
                "" => {
                    let (name, args) = value.split_once('=').unwrap_or((value, ""));
                    names.insert(index, name.trim());
                    if name.trim() == "Retry" {
                        let first = args.split(',').next().unwrap_or("").trim();
                        out.retries = first.parse().ok().or(Some(3));
                    }
                }
                "name" => {
                    names.insert(index, value);
                }
                "args.retries" => {
                    if let Ok(n) = value.trim().parse() {
                        retries_arg.insert(index, n);
                    }
                }
                _ => {}
            }
        }
        for (index, name) in &names {
            match *name {
                // Spring's Retry filter retries 3 times unless told otherwise.
                "Retry" => {
                    out.retries = out
                        .retries
                        .or(Some(retries_arg.get(index).copied().unwrap_or(3)))
                }
                "CircuitBreaker" | "Hystrix" => out.circuit_breaker = true,
                _ => {}
            }
        }
        out
    }

    /// These filters, or the defaults where the route says nothing.
    fn or(self, defaults: &Filters) -> Filters {
        Filters {
            retries: self.retries.or(defaults.retries),
            circuit_breaker: self.circuit_breaker || defaults.circuit_breaker,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn read(settings: &[(&str, &str)]) -> Vec<String> {
        let settings: Vec<(String, String, Span)> = settings
            .iter()
            .enumerate()
            .map(|(i, (k, v))| ((*k).into(), (*v).into(), Span::new(SourceId(0), i as u32, 1)))
            .collect();
        let mut out = Declarations::default();
        SpringGateway.read_settings(
            SettingsInput {
                service: "gateway",
                settings: &settings,
            },
            &mut out,
        );
        out.routes
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {} t={:?} r={:?} cb={}",
                    r.target,
                    r.paths,
                    r.protocol.as_deref().unwrap_or("-"),
                    r.timeout_ms,
                    r.retries,
                    r.circuit_breaker
                )
            })
            .collect()
    }

    #[test]
    fn shortcut_and_full_forms() {
        let got = read(&[
            ("spring.cloud.gateway.httpclient.response-timeout", "5s"),
            ("spring.cloud.gateway.default-filters[0]", "CircuitBreaker=default"),
            ("spring.cloud.gateway.routes[0].id", "orders"),
            ("spring.cloud.gateway.routes[0].uri", "lb://orders"),
            ("spring.cloud.gateway.routes[0].predicates[0]", "Path=/orders/**,/cart/**"),
            ("spring.cloud.gateway.routes[0].predicates[1]", "Host=shop.example.com"),
            ("spring.cloud.gateway.routes[0].filters[0]", "Retry=2"),
            ("spring.cloud.gateway.routes[1].uri", "lb:ws://chat"),
            ("spring.cloud.gateway.routes[1].predicates[0].name", "Path"),
            ("spring.cloud.gateway.routes[1].predicates[0].args.patterns[0]", "/ws/**"),
            ("spring.cloud.gateway.routes[1].filters[0].name", "Retry"),
            ("spring.cloud.gateway.routes[1].filters[0].args.retries", "4"),
            ("spring.cloud.gateway.routes[1].metadata.response-timeout", "200"),
            ("spring.cloud.gateway.routes[2].uri", "forward:/fallback"),
            ("spring.cloud.gateway.routes[10].uri", "http://httpstat.us:80"),
            ("spring.cloud.gateway.server.webflux.routes[0].uri", "http://users:8080"),
            ("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", "Path=/users/**"),
        ]);
        assert_eq!(
            got,
            vec![
                "lb://orders [\"/orders/**\", \"/cart/**\"] http t=Some(5000.0) r=Some(2) cb=true",
                "ws://chat [\"/ws/**\"] websocket t=Some(200.0) r=Some(4) cb=true",
                "http://httpstat.us:80 [] http t=Some(5000.0) r=None cb=true",
                "http://users:8080 [\"/users/**\"] http t=None r=None cb=false",
            ]
        );
    }

    #[test]
    fn settings_without_routes_read_nothing() {
        assert!(read(&[("spring.application.name", "orders")]).is_empty());
        assert!(read(&[("spring.cloud.gateway.routes[x].uri", "lb://a")]).is_empty());
    }
}
