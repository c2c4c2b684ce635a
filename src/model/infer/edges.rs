//! Edges from configuration values: every address in an environment variable or an
//! application setting, resolved to the workload it names, with the protocol taken from the
//! scheme, then the target's kind, a matching gRPC service, the port's name, and finally the
//! well-known port. Telemetry and health checks are left out; unknown hosts are reported.

use crate::diagnostics::catalog::UNKNOWN_SERVICE;
use crate::diagnostics::{Finding, Item};

use super::Protos;
use crate::model::Protocol;
use crate::source::Span;
use crate::suggest;

use super::Inferred;
use super::address::{self, Address};
use super::classify::{self, Role};
use super::units::Units;

/// Where an address leads.
enum Lead {
    Unit(usize, Option<u16>, Option<Protocol>),
    External(String),
    Unknown(String),
    /// The workload itself, a listen address, or telemetry.
    Nowhere,
}

/// Addresses in the workloads' environment variables.
pub fn from_environment(units: &Units, protos: &Protos, out: &mut Inferred) {
    let mut telemetry = 0usize;
    let (directories, notes) = super::directory::find(units);
    out.notes.extend(notes);
    for (i, unit) in units.units.iter().enumerate() {
        if let Role::Infrastructure(_) = unit.role {
            backing_stores(units, i, out);
            continue;
        }
        if unit.role != Role::Service {
            continue;
        }
        for (key, value, span) in &unit.env {
            if directories.contains(&(key.clone(), value.clone())) {
                continue;
            }
            telemetry += add_setting(
                units,
                protos,
                &unit.name,
                Some(i),
                "env",
                key,
                value,
                *span,
                out,
            );
        }
        super::topics::add(units, &unit.name, &unit.env, out);
    }
    if telemetry > 0 {
        out.notes.push(format!(
            "{telemetry} telemetry or health-check address{} kept out of the graph",
            if telemetry == 1 { "" } else { "es" }
        ));
    }
}

/// The datastores an infrastructure component keeps its own state in (a contract broker's,
/// an identity provider's database): its environment is read for datastore addresses only, so
/// its store is drawn while nothing it names becomes a call an application rule would judge.
fn backing_stores(units: &Units, i: usize, out: &mut Inferred) {
    let unit = &units.units[i];
    for (key, value, span) in &unit.env {
        if classify::not_a_call(key).is_some() || classify::is_telemetry_key(key) {
            continue;
        }
        for addr in address::parse(key, value) {
            if !addr.confirmed && !units.hosts.contains_key(&addr.host) {
                continue;
            }
            if let Lead::Unit(target, ..) = lead(units, &addr, Some(i))
                && let Role::Datastore(_) = units.units[target].role
            {
                let evidence = format!("env {key} -> {}", addr.shown());
                out.add_access(
                    (&unit.name, &units.units[target].name),
                    *span,
                    evidence,
                    false,
                );
            }
        }
    }
}

/// Application settings (`spring.datasource.url`, ...) after Spring's resolution, for the
/// service that runs them.
pub fn from_settings(units: &Units, protos: &Protos, out: &mut Inferred) {
    for (i, unit) in units.units.iter().enumerate() {
        if unit.role != Role::Service || unit.settings.is_empty() {
            continue;
        }
        for (key, value, span) in &unit.settings {
            add_setting(
                units,
                protos,
                &unit.name,
                Some(i),
                "setting",
                key,
                value,
                *span,
                out,
            );
        }
        super::topics::add(units, &unit.name, &unit.settings, out);
    }
}

/// One setting: its addresses become calls, datastore uses or external dependencies.
/// Returns how many addresses were telemetry or health checks.
#[allow(clippy::too_many_arguments)]
fn add_setting(
    units: &Units,
    protos: &Protos,
    from: &str,
    self_unit: Option<usize>,
    what: &str,
    key: &str,
    value: &str,
    span: Span,
    out: &mut Inferred,
) -> usize {
    if let Some(what) = classify::not_a_call(key) {
        let found = address::parse(key, value).len();
        if found > 0 {
            *out.kept_out.entry(what).or_default() += found;
        }
        return 0;
    }
    if classify::is_telemetry_key(key) {
        return usize::from(!address::parse(key, value).is_empty());
    }
    let setting = Setting {
        from,
        self_unit,
        key,
        value,
        span,
        evidence: format!("{what} {key}"),
        protocol: None,
        route: None,
    };
    add_address_setting(units, protos, setting, out)
}

/// A value that may hold addresses, and who holds it.
pub struct Setting<'a> {
    pub from: &'a str,
    pub self_unit: Option<usize>,
    /// The setting's name: it says whether a bare host counts (`REDIS_HOST`).
    pub key: &'a str,
    pub value: &'a str,
    pub span: Span,
    /// What declares it (`env ORDERS_URL`, `route /api/`); the address found is appended.
    pub evidence: String,
    /// The protocol the declaration names, which beats every guess.
    pub protocol: Option<Protocol>,
    /// For a gateway or proxy route: its path and policy, attached to the call it makes.
    pub route: Option<RouteFacts<'a>>,
}

/// What a route adds to the call it becomes.
#[derive(Clone, Copy)]
pub struct RouteFacts<'a> {
    pub paths: &'a [String],
    pub proxy: &'a crate::model::ProxyPolicy,
    /// The route names its target plainly (no guessed variable): a declaration.
    pub declared: bool,
}

/// The addresses in a setting become calls, datastore uses or external dependencies.
/// Returns how many addresses were telemetry or health checks.
pub fn add_address_setting(
    units: &Units,
    protos: &Protos,
    setting: Setting<'_>,
    out: &mut Inferred,
) -> usize {
    let Setting {
        from,
        self_unit,
        key,
        value,
        span,
        ..
    } = setting;
    // A secret that happens to look like `host:port` is neither an address nor shown.
    if crate::load::secrets::looks_secret(key) {
        return 0;
    }
    // A route names no setting: its finding says where it routes, not the internal key.
    let is_route = setting.route.is_some();
    let (refers, refer, place, what) = if is_route {
        ("routes to", "route to", String::new(), "route")
    } else {
        ("refers to", "refer to", format!(" in `{key}`"), "setting")
    };
    let mut skipped = 0;
    for addr in address::parse(key, value) {
        if !addr.confirmed && !units.hosts.contains_key(&addr.host) {
            continue;
        }
        if classify::is_health_path(&addr.path)
            || addr.port.is_some_and(classify::is_telemetry_port)
        {
            skipped += 1;
            continue;
        }
        // Only the address is shown: credentials, paths and queries stay out of outputs.
        let evidence = format!("{} -> {}", setting.evidence, addr.shown());
        let named = setting.protocol.clone();
        match lead(units, &addr, self_unit) {
            Lead::Nowhere => {}
            Lead::Unit(target, port, port_protocol) => {
                let unit = &units.units[target];
                match &unit.role {
                    Role::Telemetry => skipped += 1,
                    Role::Datastore(_) => out.add_access((from, &unit.name), span, evidence, false),
                    Role::Broker(_) => {}
                    Role::Service | Role::Infrastructure(_) => {
                        let protocol = named.unwrap_or_else(|| {
                            protocol_for(&addr, key, &unit.name, port, port_protocol, protos)
                        });
                        let declared = setting.route.is_some_and(|r| r.declared);
                        out.add_call((from, &unit.name), protocol, span, evidence, declared);
                        if let Some(r) = setting.route {
                            out.attach((from, &unit.name), r.paths, r.proxy);
                        }
                    }
                }
            }
            Lead::External(host) => {
                if !out.nodes.iter().any(|n| n.name == host) {
                    out.nodes.push(super::INode {
                        name: host.clone(),
                        role: Role::Service,
                        kind: crate::model::ServiceKind::External,
                        exposure: crate::model::Exposure::Public,
                        load_balancer: None,
                        span,
                        evidence: if is_route {
                            "external host a route sends requests to".to_owned()
                        } else {
                            format!("external host in {key}")
                        },
                        build_context: None,
                        declared: false,
                        grpc: Vec::new(),
                        contract_sources: Vec::new(),
                    });
                }
                let protocol = named.unwrap_or_else(|| {
                    protocol_for(&addr, key, &host, None, None, &Protos::new(&[]))
                });
                let declared = setting.route.is_some_and(|r| r.declared);
                out.add_call((from, &host), protocol, span, evidence, declared);
                if let Some(r) = setting.route {
                    out.attach((from, &host), r.paths, r.proxy);
                }
            }
            Lead::Unknown(host) => {
                // Defined by a compose overlay that was not merged: not an error, a choice.
                if let Some(file) = units.unmerged.get(&host.to_ascii_lowercase()) {
                    out.unmerged_refs
                        .entry(file.clone())
                        .or_default()
                        .entry(from.to_owned())
                        .or_default()
                        .insert(host.clone());
                    continue;
                }
                // A setting shared by several services (a configuration server's
                // `application.yml`) is one problem, reported once with every service.
                if let Some(known) = out.findings.iter_mut().find(|f| {
                    f.rule == UNKNOWN_SERVICE
                        && f.span == Some(span)
                        && f.services.last() == Some(&host)
                }) {
                    if !known.services.contains(&from.to_owned()) {
                        let at = known.services.len() - 1;
                        known.services.insert(at, from.to_owned());
                        let callers = &known.services[..known.services.len() - 1];
                        known.message = format!(
                            "{} {refer} `{}`{place}, but nothing the scan read is named `{host}`",
                            callers
                                .iter()
                                .map(|c| format!("`{c}`"))
                                .collect::<Vec<_>>()
                                .join(", "),
                            addr.shown()
                        );
                    }
                    continue;
                }
                let names = units.hosts.keys().map(String::as_str);
                let help = match suggest::closest(&host, names) {
                    Some(s) => format!(
                        "did you mean `{s}`? otherwise scan the folder that defines `{host}`, or remove the {what}"
                    ),
                    None => format!(
                        "scan the folder that defines `{host}` (its Deployment and Service, or its compose service), or remove the {what}"
                    ),
                };
                out.findings.push(
                    Finding::new(
                        UNKNOWN_SERVICE,
                        format!(
                            "`{from}` {refers} `{}`{place}, but nothing the scan read is named `{host}`",
                            addr.shown()
                        ),
                    )
                    .at(span)
                    .about(Item::Name(from.to_owned()))
                    .about(Item::Key(key.to_string()))
                    .about(Item::Name(host.clone()))
                    .label("unknown host")
                    .services([from.to_owned(), host.clone()])
                    .help(help),
                );
            }
        }
    }
    skipped
}

fn lead(units: &Units, addr: &Address, self_unit: Option<usize>) -> Lead {
    let host = addr.host.as_str();
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "::1");
    // Inside a container `localhost` is the container itself.
    if loopback && self_unit.is_some_and(|u| units.units[u].container) {
        return Lead::Nowhere;
    }
    if loopback || host == "host.docker.internal" {
        return match addr.port.and_then(|p| units.localhost.get(&p)) {
            Some(&unit) if Some(unit) != self_unit => Lead::Unit(unit, addr.port, None),
            _ => Lead::Nowhere,
        };
    }
    if let Some(target) = units.hosts.get(host) {
        if let Some(external) = &target.external {
            return Lead::External(external.clone());
        }
        let Some(unit) = target.unit else {
            return Lead::Nowhere;
        };
        if Some(unit) == self_unit {
            return Lead::Nowhere;
        }
        let (port, named) = match addr.port.and_then(|p| target.ports.get(&p)) {
            Some((container, named)) => (Some(*container), named.clone()),
            None => (
                addr.port,
                target.ports.values().find_map(|(_, p)| p.clone()),
            ),
        };
        return Lead::Unit(unit, port, named);
    }
    let cluster_local = host.ends_with(".svc")
        || host.ends_with(".svc.cluster.local")
        || host.ends_with(".cluster.local");
    if !host.contains('.') || cluster_local {
        let short = host.split('.').next().unwrap_or(host).to_owned();
        // A cluster name in a namespace the scan did not see, for a service it knows by its
        // short name (the compose service, the Service of another namespace): that service.
        if cluster_local && units.hosts.contains_key(&short) {
            let addr = Address {
                host: short,
                ..addr.clone()
            };
            return lead(units, &addr, self_unit);
        }
        return Lead::Unknown(short);
    }
    Lead::External(host.to_owned())
}

/// Scheme, then a matching gRPC service, then the port's name, then what the key says, then
/// the well-known port.
fn protocol_for(
    addr: &Address,
    key: &str,
    target: &str,
    port: Option<u16>,
    port_protocol: Option<Protocol>,
    protos: &Protos,
) -> Protocol {
    if let Some(p) = addr
        .scheme
        .as_deref()
        .and_then(classify::protocol_of_scheme)
    {
        return p;
    }
    if !super::matching_protos(target, protos).is_empty() {
        return Protocol::Grpc;
    }
    // A key that says gRPC or Thrift (`CATALOG_GRPC_ADDR`, `grpc.client.orders.address`,
    // `SEARCH_THRIFT_HOST`) beats a guess from a well-known port.
    let says = || {
        super::topics::words(key)
            .iter()
            .find_map(|w| match w.as_str() {
                "grpc" => Some(Protocol::Grpc),
                "thrift" => Some(Protocol::Thrift),
                _ => None,
            })
    };
    port_protocol
        .or_else(says)
        .or_else(|| port.and_then(classify::protocol_of_port))
        .or_else(|| addr.port.and_then(classify::protocol_of_port))
        .unwrap_or_else(|| Protocol::Other("tcp".into()))
}
