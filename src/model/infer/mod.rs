//! Inference: services, datastores, brokers and edges deduced from what a repository already
//! has (compose, Kubernetes, Backstage, application configuration), each with the file, line and
//! key it came from. The resolver merges the result with the native manifests, which win.

mod address;
mod catalog;
mod classify;
mod declared;
mod directory;
mod edges;
mod policies;
mod routes;
mod selectors;
mod spring;
mod start_order;
mod topics;
mod units;
mod usage;
mod variables;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::diagnostics::Finding;
use crate::load::imports::Imports;
use crate::load::proto::ProtoService;
use crate::model::{Exposure, LoadBalancer, Protocol, ProxyPolicy, ServiceKind};
use crate::source::Span;

pub use classify::Role;
pub use declared::nearest_folder;

/// A node found outside the manifests.
#[derive(Debug, Clone, PartialEq)]
pub struct INode {
    pub name: String,
    pub role: Role,
    pub kind: ServiceKind,
    pub exposure: Exposure,
    pub load_balancer: Option<LoadBalancer>,
    pub span: Span,
    /// Where it came from, in words: `Kubernetes Deployment frontend`.
    pub evidence: String,
    /// Folder its code is built from (compose `build:`), for tying documents to it.
    pub build_context: Option<PathBuf>,
    /// Declared by a catalog (Backstage) rather than deduced from configuration.
    pub declared: bool,
    /// Indexes into the scan's gRPC services whose name matches.
    pub grpc: Vec<usize>,
    /// Files that define the APIs it provides (Backstage `providesApis`).
    pub contract_sources: Vec<crate::source::SourceId>,
}

/// A synchronous call found in configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ICall {
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    pub span: Span,
    pub evidence: String,
    pub declared: bool,
    /// Request paths a gateway route sends along it.
    pub paths: Vec<String>,
    /// A gateway's or proxy's route passes it on (every path when `paths` is empty).
    pub routed: bool,
    /// What the proxy that routes it declares (a gateway route's timeout, a cluster's outlier
    /// detection).
    pub proxy: ProxyPolicy,
}

/// Traffic policy a mesh declares for every call into a service (an Istio `DestinationRule`,
/// a mesh `VirtualService`): applied to declared and inferred calls alike.
#[derive(Debug, Clone, PartialEq)]
pub struct IPolicy {
    pub service: String,
    pub proxy: ProxyPolicy,
    pub load_balancer: Option<LoadBalancer>,
}

/// A datastore used by a service.
#[derive(Debug, Clone, PartialEq)]
pub struct IAccess {
    pub service: String,
    pub datastore: String,
    pub span: Span,
    pub evidence: String,
    pub declared: bool,
    /// Read from something that may mean it (a start-order dependency), not an address.
    pub possible: bool,
}

/// A subject or topic a service publishes to or consumes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ITopic {
    pub service: String,
    pub broker: String,
    pub subject: String,
    /// `Some(true)` publishes, `Some(false)` consumes; `None` until [`topics::resolve`].
    pub publish: Option<bool>,
    pub span: Span,
    pub evidence: String,
}

/// Everything inferred, with the findings and notes that came up.
#[derive(Debug, Default)]
pub struct Inferred {
    pub nodes: Vec<INode>,
    pub calls: Vec<ICall>,
    pub accesses: Vec<IAccess>,
    pub topics: Vec<ITopic>,
    pub policies: Vec<IPolicy>,
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    /// Hosts that only an overlay nobody merged defines: file -> caller -> hosts.
    pub(super) unmerged_refs: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// Variables nothing sets, by name, with every place they are used (reported as CA006).
    pub unset: variables::Unset,
    /// Addresses whose setting says they are not calls, by what they are (`health check`,
    /// `browser link`), counted in the summary.
    pub kept_out: BTreeMap<&'static str, usize>,
    /// The calls of each pair (caller, then callee), as indexes into `calls` in order, so a
    /// call is found without reading every call: tens of thousands in a large organisation.
    /// The first `indexed` calls are in it; calls pushed elsewhere are added when next needed.
    pair_calls: HashMap<String, HashMap<String, Vec<usize>>>,
    indexed: usize,
}

impl Inferred {
    /// Records a call unless it is a self-call or the two services already have one over the
    /// same protocol: the first evidence found wins. A service may serve gRPC on one port and
    /// HTTP on another, so one pair may have a call per protocol; a bare `tcp` (nothing said
    /// the protocol) only stands where no other protocol is known for the pair, and gives way
    /// to the first that is.
    pub(super) fn add_call(
        &mut self,
        (from, to): (&str, &str),
        protocol: Protocol,
        span: Span,
        evidence: String,
        declared: bool,
    ) {
        let tcp = Protocol::Other("tcp".into());
        if from == to {
            return;
        }
        let pair = self.pair(from, to).to_vec();
        if protocol == tcp {
            if !pair.is_empty() {
                return;
            }
        } else if let Some(i) = pair.iter().copied().find(|&i| {
            let c = &self.calls[i];
            c.protocol == protocol || c.protocol == tcp
        }) {
            let known = &mut self.calls[i];
            if known.protocol == tcp {
                known.protocol = protocol;
                known.evidence = format!("{}; {evidence}", known.evidence);
            }
            return;
        }
        self.calls.push(ICall {
            from: from.to_owned(),
            to: to.to_owned(),
            protocol,
            span,
            evidence,
            declared,
            paths: Vec::new(),
            routed: false,
            proxy: ProxyPolicy::default(),
        });
    }

    /// The indexes of the calls from `from` to `to`, in order.
    fn pair(&mut self, from: &str, to: &str) -> &[usize] {
        for i in self.indexed..self.calls.len() {
            let c = &self.calls[i];
            self.pair_calls
                .entry(c.from.clone())
                .or_default()
                .entry(c.to.clone())
                .or_default()
                .push(i);
        }
        self.indexed = self.calls.len();
        self.pair_calls
            .get(from)
            .and_then(|callees| callees.get(to))
            .map_or(&[], Vec::as_slice)
    }

    /// The first call from `from` to `to`.
    pub(super) fn first_call_mut(&mut self, from: &str, to: &str) -> Option<&mut ICall> {
        let i = *self.pair(from, to).first()?;
        self.calls.get_mut(i)
    }

    /// Adds a route's paths and proxy policy to the call from `from` to `to` (the one just
    /// recorded, or the one a setting or another route already gave).
    pub(super) fn attach(
        &mut self,
        (from, to): (&str, &str),
        paths: &[String],
        proxy: &ProxyPolicy,
    ) {
        let Some(&last) = self.pair(from, to).last() else {
            return;
        };
        let call = &mut self.calls[last];
        call.routed = true;
        for path in paths {
            if !call.paths.contains(path) {
                call.paths.push(path.clone());
            }
        }
        call.proxy.merge(proxy);
    }

    /// Records a datastore access unless the service already has one to that datastore.
    pub(super) fn add_access(
        &mut self,
        (service, datastore): (&str, &str),
        span: Span,
        evidence: String,
        declared: bool,
    ) {
        let known = self
            .accesses
            .iter()
            .any(|a| a.service == service && a.datastore == datastore);
        if !known {
            self.accesses.push(IAccess {
                service: service.to_owned(),
                datastore: datastore.to_owned(),
                span,
                evidence,
                declared,
                possible: false,
            });
        }
    }

    /// Records a datastore access that only a start order shows (`depends_on: [mysql]`).
    pub(super) fn add_possible_access(
        &mut self,
        (service, datastore): (&str, &str),
        span: Span,
        evidence: String,
    ) {
        let before = self.accesses.len();
        self.add_access((service, datastore), span, evidence, false);
        if let Some(access) = self.accesses.get_mut(before) {
            access.possible = true;
        }
    }
}

/// Infers what `imports` say. `declared` are the services the manifests name (application
/// configuration files may belong to them); `protos` are the scan's gRPC services.
pub fn infer(imports: &Imports, declared: &BTreeSet<String>, protos: &[ProtoService]) -> Inferred {
    let protos = &Protos::new(protos);
    let units = units::Units::build(imports, declared);
    let mut out = Inferred {
        notes: units.notes.clone(),
        ..Inferred::default()
    };
    out.notes.extend(units.spring.notes.iter().cloned());
    for (name, service, span) in &units.spring.unset {
        out.unset
            .entry(name.clone())
            .or_default()
            .push((service.clone(), *span));
    }
    for unit in &units.units {
        out.nodes.push(INode {
            name: unit.name.clone(),
            role: unit.role.clone(),
            kind: match unit.role {
                Role::Infrastructure(_) => ServiceKind::Infrastructure,
                _ if unit.gateway => ServiceKind::Gateway,
                _ => ServiceKind::Service,
            },
            exposure: if unit.published {
                Exposure::Public
            } else {
                Exposure::Internal
            },
            load_balancer: unit.load_balancer,
            span: unit.span,
            evidence: match &unit.role {
                Role::Infrastructure(what) => format!("{} ({})", unit.evidence, what.describe()),
                _ => unit.evidence.clone(),
            },
            build_context: unit.build_context.clone(),
            declared: false,
            grpc: matching_protos(&unit.name, protos),
            contract_sources: Vec::new(),
        });
    }
    // A proxy's route says more than an address in its environment (the path, the protocol,
    // the port), so routes come first and the environment adds only what they leave out.
    routes::from_routes(imports, &units, declared, protos, &mut out);
    edges::from_environment(&units, protos, &mut out);
    edges::from_settings(&units, protos, &mut out);
    topics::resolve(&mut out);
    for (file, refs) in std::mem::take(&mut out.unmerged_refs) {
        let refs: Vec<String> = refs
            .iter()
            .map(|(from, hosts)| {
                let hosts: Vec<String> = hosts.iter().map(|h| format!("`{h}`")).collect();
                format!("`{from}` refers to {}", hosts.join(", "))
            })
            .collect();
        out.notes.push(format!(
            "{}, which only {file} defines; it was not merged, so those calls are not drawn: list it under `compose.files` in commaudit.yaml or pass --compose-file",
            refs.join("; ")
        ));
    }
    for (what, count) in std::mem::take(&mut out.kept_out) {
        out.notes.push(format!(
            "{count} {what} address{} kept out of the graph (not a call the service makes)",
            if count == 1 { "" } else { "es" }
        ));
    }
    start_order::from_depends_on(&units, &mut out);
    policies::from_network_policies(&imports.kube, &units, protos, &mut out);
    catalog::from_backstage(imports, protos, &mut out);
    mark_clients(&units, &mut out);
    internal_behind_host_ports(&units, &mut out);
    let telemetry = out
        .nodes
        .iter()
        .filter(|n| n.role == Role::Telemetry)
        .count();
    if telemetry > 0 {
        out.notes.push(format!(
            "{telemetry} telemetry workload{} (collectors, tracing, metrics) kept out of the graph",
            if telemetry == 1 { "" } else { "s" }
        ));
    }
    out.nodes.retain(|n| n.role != Role::Telemetry);
    let unset = std::mem::take(&mut out.unset);
    variables::report(unset, &mut out.findings);
    out
}

/// The scan's gRPC services, indexed once by their normalised short name (`CartService` ->
/// `cart`), so matching a workload's name costs one lookup, not a pass over every service.
pub(crate) struct Protos<'a> {
    list: &'a [ProtoService],
    by_key: HashMap<String, Vec<usize>>,
}

impl<'a> Protos<'a> {
    pub(crate) fn new(list: &'a [ProtoService]) -> Protos<'a> {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in list.iter().enumerate() {
            let short = p.full_name.rsplit('.').next().unwrap_or(&p.full_name);
            by_key.entry(normalise(short)).or_default().push(i);
        }
        Protos { list, by_key }
    }
}

impl std::ops::Deref for Protos<'_> {
    type Target = [ProtoService];

    fn deref(&self) -> &[ProtoService] {
        self.list
    }
}

/// gRPC services whose name matches a workload's: `cartservice` and `hipstershop.CartService`,
/// `cart-service` and `cart.v1.CartService`; failing that, the same name in the singular or
/// plural (`baskets` and `basketspb.BasketService`, `order` and `OrdersService`).
fn matching_protos(name: &str, protos: &Protos) -> Vec<usize> {
    let key = normalise(name);
    if key.is_empty() {
        return Vec::new();
    }
    if let Some(found) = protos.by_key.get(&key) {
        return found.clone();
    }
    let other = match key.strip_suffix('s') {
        Some(singular) if singular.len() >= 3 => singular.to_owned(),
        Some(_) => return Vec::new(),
        None => format!("{key}s"),
    };
    protos.by_key.get(&other).cloned().unwrap_or_default()
}

/// Letters and digits only, lower case, without a trailing "service", "svc" or "server".
fn normalise(name: &str) -> String {
    let flat: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    for suffix in ["service", "svc", "server"] {
        if let Some(stem) = flat.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return stem.to_owned();
        }
    }
    flat
}

/// A service published only by a compose host port that another service or gateway of the
/// system calls is internal: the port is a developer's way in, the callers are the way the
/// system reaches it (petclinic's services each publish their port and sit behind its gateway).
fn internal_behind_host_ports(units: &units::Units, out: &mut Inferred) {
    let clients: BTreeSet<&str> = out
        .nodes
        .iter()
        .filter(|n| n.kind == ServiceKind::Client)
        .map(|n| n.name.as_str())
        .collect();
    let called: BTreeSet<String> = out
        .calls
        .iter()
        .filter(|c| !clients.contains(c.from.as_str()) && c.from != c.to)
        .map(|c| c.to.clone())
        .collect();
    let dev_only: BTreeSet<&str> = units
        .units
        .iter()
        .filter(|u| u.host_port_only)
        .map(|u| u.name.as_str())
        .collect();
    for node in &mut out.nodes {
        if node.kind == ServiceKind::Service
            && node.exposure == Exposure::Public
            && dev_only.contains(node.name.as_str())
            && called.contains(&node.name)
        {
            node.exposure = Exposure::Internal;
        }
    }
}

/// A workload nothing can address, which only calls public entrypoints, is a client: a load
/// generator, a synthetic monitor, a batch job driving the API.
fn mark_clients(units: &units::Units, out: &mut Inferred) {
    // One pass over the calls and the nodes, then a lookup per workload.
    let mut calls_from: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut called: BTreeSet<&str> = BTreeSet::new();
    for c in &out.calls {
        calls_from.entry(&c.from).or_default().push(&c.to);
        called.insert(&c.to);
    }
    let public: BTreeSet<&str> = out
        .nodes
        .iter()
        .filter(|n| n.exposure == Exposure::Public)
        .map(|n| n.name.as_str())
        .collect();
    let clients: BTreeSet<String> = units
        .units
        .iter()
        .filter(|u| !u.addressable && u.role == Role::Service)
        .filter(|u| {
            calls_from
                .get(u.name.as_str())
                .is_some_and(|to| !to.is_empty() && to.iter().all(|t| public.contains(t)))
                && !called.contains(u.name.as_str())
        })
        .map(|u| u.name.clone())
        .collect();
    // A client is called by nobody, so marking one public changes no other workload's check.
    let mut marked = BTreeSet::new();
    for node in &mut out.nodes {
        if clients.contains(&node.name) && marked.insert(node.name.clone()) {
            node.kind = ServiceKind::Client;
            node.exposure = Exposure::Public;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_proto_services() {
        assert_eq!(normalise("cartservice"), normalise("CartService"));
        assert_eq!(normalise("cart-service"), "cart");
        assert_eq!(
            normalise("productcatalogservice"),
            normalise("ProductCatalogService")
        );
        assert_ne!(normalise("cart"), normalise("CheckoutService"));
    }

    #[test]
    fn names_match_proto_services_in_singular_or_plural() {
        let proto = |name: &str| ProtoService {
            full_name: name.to_owned(),
            span: crate::source::Span::file_start(crate::source::SourceId(0)),
            methods: Vec::new(),
        };
        let list = [
            proto("basketspb.BasketService"),
            proto("shop.OrdersService"),
            proto("shop.Stores"),
        ];
        let protos = Protos::new(&list);
        assert_eq!(matching_protos("baskets", &protos), [0]);
        assert_eq!(matching_protos("order", &protos), [1]);
        assert_eq!(matching_protos("stores", &protos), [2]);
        assert!(matching_protos("store-front", &protos).is_empty());
        assert!(matching_protos("bs", &protos).is_empty());
    }
}
